/** Users, products and orders made through the tRPC API, as an integrating app would. */
import { randomUUID } from 'node:crypto';
import { expect } from '@playwright/test';
import type { Api } from './api';
import { unique } from './env';

export interface SeededUser {
  userId: string;
  name: string;
  email: string;
  position: number;
}
export interface SeededProduct {
  productId: string;
  sku: string;
  name: string;
  priceCents: number;
  position: number;
}
export interface OrderSummary {
  orderId: string;
  status: string;
  cancelReason: string | null;
  totalCents: number;
}

export async function seedUser(api: Api, name = `Seeded User ${unique()}`): Promise<SeededUser> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${unique()}@example.test`;
  const { userId, position } = await api.mutate<{ userId: string; position: number }>('users.create', {
    email,
    name,
    commandId: randomUUID(),
  });
  return { userId, name, email, position };
}

export async function seedProduct(api: Api, opts: { name?: string; priceCents?: number; stock?: number } = {}): Promise<SeededProduct> {
  const sku = `E2E-${unique().toUpperCase()}`;
  const name = opts.name ?? `Widget ${sku}`;
  const priceCents = opts.priceCents ?? 1999;
  const { productId, position } = await api.mutate<{ productId: string; position: number }>('catalog.createProduct', {
    sku,
    name,
    priceCents,
    stock: opts.stock ?? 500,
    commandId: randomUUID(),
  });
  return { productId, sku, name, priceCents, position };
}

export async function placeOrder(api: Api, user: SeededUser, lines: { product: SeededProduct; quantity: number }[], token = 'tok_ok') {
  return api.mutate<{ orderId: string; position: number }>('orders.place', {
    userId: user.userId,
    items: lines.map((l) => ({ productId: l.product.productId, quantity: l.quantity })),
    payment: { token },
    commandId: randomUUID(),
  });
}

/** Polls orders.get until the saga has ended (completed or cancelled); returns the summary. */
export async function waitForOrderToSettle(
  api: Api,
  placed: { orderId: string; position: number },
  timeout = 45_000,
): Promise<OrderSummary> {
  const { orderId, position } = placed;
  let order: OrderSummary | null = null;
  await expect
    .poll(
      async () => {
        // At the placing position the order exists in the read model (before it, NOT_FOUND is possible).
        order = (await api.query<{ data: OrderSummary | null }>('orders.get', { orderId, minPosition: position })).data;
        return order?.status;
      },
      { message: `order ${orderId} to complete or be cancelled`, timeout },
    )
    .toMatch(/^(completed|cancelled)$/);
  return order!;
}
