import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, products } from '@/db/schema';
import { createUser } from '@/server/commands/users';
import { createProduct } from '@/server/commands/catalog';
import { historicalId, recordHistoricalOrder } from '@/server/commands/history';
import type { CommandContext } from '@/server/commands/context';
import { createTestEnv, type TestEnv } from './support/harness';

let t: TestEnv;
let userId: string;
let mug: string;
let lamp: string;
const placed = new Date('2026-03-02T10:00:00.000Z');
const settled = new Date('2026-03-04T16:30:00.000Z');
const at = (now: Date, commandId: string = randomUUID()): CommandContext => ({ actor: 'test', commandId, now: () => now });

beforeAll(async () => {
  t = await createTestEnv('import_history');
  const deps = t.services;
  ({ userId } = await createUser(deps, at(new Date('2026-03-01T09:00:00Z')), { email: 'ada@example.com', name: 'Ada' }));
  ({ productId: mug } = await createProduct(deps, at(new Date('2026-03-01T08:00:00Z')), {
    sku: 'MUG',
    name: 'Mug',
    priceCents: 1200,
    stock: 10,
  }));
  ({ productId: lamp } = await createProduct(deps, at(new Date('2026-03-01T08:00:00Z')), {
    sku: 'LAMP',
    name: 'Lamp',
    priceCents: 5000,
    stock: 3,
  }));
});
afterAll(async () => {
  await t?.cleanup();
});

async function stream(orderId: string) {
  return t.services.write.db.execute<{
    type: string;
    stream_version: number;
    occurred_at: string;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }>(sql`
    SELECT type, stream_version, occurred_at, data, metadata FROM events WHERE stream_id = ${`order-${orderId}`} ORDER BY stream_version`);
}
const onHand = async (id: string) => (await t.services.write.db.select().from(products).where(eq(products.id, id)))[0]!;

describe('recordHistoricalOrder', () => {
  it('records a completed order through every saga step at its own times, and takes the stock', async () => {
    const commandId = historicalId('test:completed');
    const r = await recordHistoricalOrder(t.services, at(placed, commandId), {
      userId,
      items: [
        { productId: mug, quantity: 2 },
        { productId: lamp, quantity: 1 },
      ],
      paymentToken: 'tok_ok',
      outcome: 'completed',
      settledAt: settled,
    });
    expect(r).toMatchObject({ status: 'completed', totalCents: 2 * 1200 + 5000 });
    const events = await stream(r.orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentProcessed', 'InventoryReserved', 'OrderCompleted']);
    expect(events.map((e) => e.stream_version)).toEqual([1, 2, 3, 4]);
    expect(new Date(events[0]!.occurred_at).toISOString()).toBe(placed.toISOString());
    expect(new Date(events[3]!.occurred_at).toISOString()).toBe(settled.toISOString());
    expect(events.every((e) => e.metadata.commandId === commandId && e.metadata.actor === 'test')).toBe(true);
    const [row] = await t.services.write.db.select().from(orders).where(eq(orders.id, r.orderId));
    expect(row).toMatchObject({
      status: 'completed',
      cancelReason: null,
      totalCents: 7400,
      placedAt: placed,
      updatedAt: settled,
      version: 4,
    });
    expect(await onHand(mug)).toMatchObject({ onHand: 8, reserved: 0 });
    expect(await onHand(lamp)).toMatchObject({ onHand: 2, reserved: 0 });
  });

  it('records a declined order as PaymentFailed then OrderCancelled (payment_failed), leaving stock alone', async () => {
    const r = await recordHistoricalOrder(t.services, at(placed), {
      userId,
      items: [{ productId: mug, quantity: 1 }],
      paymentToken: 'tok_decline',
      outcome: 'payment_failed',
    });
    expect((await stream(r.orderId)).map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentFailed', 'OrderCancelled']);
    const [row] = await t.services.write.db.select().from(orders).where(eq(orders.id, r.orderId));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'payment_failed' });
    expect(await onHand(mug)).toMatchObject({ onHand: 8 });
  });

  it('records an out-of-stock order as charged, unavailable, refunded and cancelled (out_of_stock)', async () => {
    const r = await recordHistoricalOrder(t.services, at(placed), {
      userId,
      items: [{ productId: lamp, quantity: 1 }],
      paymentToken: 'tok_ok',
      outcome: 'out_of_stock',
      settledAt: settled,
    });
    const events = await stream(r.orderId);
    expect(events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'PaymentProcessed',
      'InventoryUnavailable',
      'PaymentRefunded',
      'OrderCancelled',
    ]);
    expect(events[2]!.data).toMatchObject({ shortages: [{ productId: lamp, requested: 1, available: 0 }] });
    expect(events[4]!.data).toMatchObject({ reason: 'out_of_stock', released: [] });
    const [row] = await t.services.write.db.select().from(orders).where(eq(orders.id, r.orderId));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'out_of_stock' });
    expect(await onHand(lamp)).toMatchObject({ onHand: 2 });
  });

  it('with prices "given" keeps the unit prices the lines were sold at', async () => {
    const r = await recordHistoricalOrder(t.services, at(placed), {
      userId,
      items: [{ productId: mug, quantity: 3, unitPriceCents: 999 }],
      paymentToken: 'legacy_1',
      outcome: 'completed',
      prices: 'given',
    });
    expect(r.totalCents).toBe(2997);
    const [placedEvent] = await stream(r.orderId);
    expect(placedEvent!.data).toMatchObject({ totalCents: 2997, lines: [{ productId: mug, quantity: 3, unitPriceCents: 999 }] });
  });

  it('done twice with the same commandId, records it once', async () => {
    const ctx = at(placed, historicalId('test:twice'));
    const input = { userId, items: [{ productId: mug, quantity: 1 }], paymentToken: 'tok_ok', outcome: 'completed' as const };
    const [before] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
    const first = await recordHistoricalOrder(t.services, ctx, input);
    const second = await recordHistoricalOrder(t.services, ctx, input);
    expect(second).toEqual(first);
    const [after] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
    expect(after!.n - before!.n).toBe(4);
  });

  it('refuses, writing nothing, a completed order without the stock, a missing commandId, or a settle time before placing', async () => {
    const [before] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
    await expect(
      recordHistoricalOrder(t.services, at(placed), {
        userId,
        items: [{ productId: lamp, quantity: 5 }],
        paymentToken: 'tok_ok',
        outcome: 'completed',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Not enough stock') });
    await expect(
      recordHistoricalOrder(
        t.services,
        { actor: 'test', now: () => placed },
        { userId, items: [{ productId: lamp, quantity: 1 }], paymentToken: 'tok_ok', outcome: 'completed' },
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      recordHistoricalOrder(t.services, at(settled), {
        userId,
        items: [{ productId: lamp, quantity: 1 }],
        paymentToken: 'tok_ok',
        outcome: 'completed',
        settledAt: placed,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      recordHistoricalOrder(t.services, at(placed), {
        userId,
        items: [{ productId: mug, quantity: 1 }],
        paymentToken: 'x',
        outcome: 'completed',
        prices: 'given',
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const [after] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
    expect(after!.n).toBe(before!.n);
    expect(await onHand(lamp)).toMatchObject({ onHand: 2 });
  });
});
