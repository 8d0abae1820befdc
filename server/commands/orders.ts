import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { orderLines, orders, paymentTokens, products, users } from '@/db/schema';
import { decideOrder, evolveOrder, type OrderState } from '@/server/domain/order';
import { streamId } from '@/server/domain/events';
import { notFound } from '@/server/domain/errors';
import { runCommand } from './run';
import { paymentRefOf } from './rules';
import type { CommandContext, CommandDeps } from './context';

export interface PlaceOrderInput {
  userId: string;
  items: { productId: string; quantity: number }[];
  payment: { token: string };
  currency?: string;
}

/** Places an order as `pending`; the saga takes it from there. The total uses current prices. */
export { paymentRefOf };

export async function placeOrder(deps: CommandDeps, ctx: CommandContext, input: PlaceOrderInput) {
  return runCommand(deps, ctx, 'orders.place', async ({ tx, now, append }) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    if (!user) throw notFound(`User ${input.userId} does not exist`);
    const ids = [...new Set(input.items.map((i) => i.productId))];
    // Key-share locks in id order, as every other locker of products (stock moves, restocks) takes
    // them: the order lines' foreign-key checks would otherwise lock them in line order and deadlock.
    const found = await tx.select().from(products).where(inArray(products.id, ids)).orderBy(products.id).for('key share');
    const orderId = randomUUID();
    // The token stays in the write model only, by reference, until the saga has charged it.
    const paymentRef = paymentRefOf(orderId);
    const events = decideOrder(
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          userId: input.userId,
          items: input.items,
          paymentRef,
          currency: input.currency ?? 'USD',
          products: found.map((p) => ({ id: p.id, sku: p.sku, name: p.name, priceCents: p.priceCents, available: p.onHand - p.reserved })),
        },
      },
      null,
    );
    const state = events.reduce<OrderState | null>((s, e) => evolveOrder(s, e), null)!;
    await tx.insert(orders).values({
      id: orderId,
      userId: state.userId,
      status: state.status,
      totalCents: state.totalCents,
      currency: state.currency,
      paymentRef,
      placedAt: now,
      updatedAt: now,
      version: events.length,
    });
    await tx.insert(orderLines).values(
      state.lines.map((l, i) => ({
        orderId,
        lineNo: i + 1,
        productId: l.productId,
        quantity: l.quantity,
        unitPriceCents: l.unitPriceCents,
      })),
    );
    await tx.insert(paymentTokens).values({ ref: paymentRef, orderId, token: input.payment.token });
    const position = await append(streamId.order(orderId), 0, events);
    return { orderId, position };
  });
}
