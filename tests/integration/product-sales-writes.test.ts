/**
 * product_sales_daily writes little per batch: the lines of an order placed and settled in the same
 * batch are never stored (they would be deleted at the batch's end), and sales, refunds and
 * cancellations go in one upsert. A line already stored for the same order and product still wins
 * over one placed again in the batch, as the lines' DO NOTHING insert has it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { productSalesProjection } from '@/server/projections/product-sales';
import type { StoredEvent } from '@/server/domain/events';
import { createTestEnv, recordingHandle, type TestEnv } from './support/harness';
import { eventLog, order } from './support/projection-spec';

let t: TestEnv;
let h: DbHandle;
let sent: string[] = [];
beforeAll(async () => {
  t = await createTestEnv('product_sales_writes');
  ({ h, sent } = recordingHandle(t, 'll-test-product-sales-writes', 1));
  await h.sql`SELECT 1`; // the driver's first look at the types, before anything is counted
});
afterAll(async () => {
  await h?.close();
  await t?.cleanup();
});

const apply = async (events: StoredEvent[]) => {
  sent.length = 0;
  await h.db.transaction((tx) => productSalesProjection.applyBatch(tx, events));
  return sent.filter((q) => !/^(begin|commit)/.test(q));
};
const daily = () => h.sql<Record<string, unknown>[]>`
  SELECT product_id, currency, units_sold AS units, revenue_cents::int AS revenue, completed_orders AS completed,
    cancelled_orders AS cancelled, refunded_cents::int AS refunded
  FROM product_daily ORDER BY product_id, currency`;

describe('product_sales_daily writes', () => {
  it('a batch whose orders all settle stores no lines: one upsert, then the delete', async () => {
    const log = eventLog();
    const [a, b] = [randomUUID(), randomUUID()].sort();
    const user = randomUUID();
    order(log, {
      userId: user,
      lines: [{ productId: a!, quantity: 2, unitPriceCents: 1000 }],
      at: '2026-03-02T09:00:00Z',
      outcome: 'completed',
    });
    order(log, {
      userId: user,
      lines: [{ productId: b!, quantity: 1, unitPriceCents: 500 }],
      at: '2026-03-02T10:00:00Z',
      outcome: 'out_of_stock',
    });
    const statements = await apply(log.events.filter((e) => productSalesProjection.handles.includes(e.type)));
    expect(statements.map((q) => q.trim().split(/\s+/)[0])).toEqual(['WITH', 'DELETE']);
    expect(await daily()).toEqual([
      { product_id: a, currency: 'USD', units: 2, revenue: 2000, completed: 1, cancelled: 0, refunded: 0 },
      { product_id: b, currency: 'USD', units: 0, revenue: 0, completed: 0, cancelled: 1, refunded: 500 },
    ]);
    expect(await h.sql`SELECT * FROM product_open_lines`).toEqual([]);
  });

  it('a line stored by an earlier batch wins over the same order and product placed again', async () => {
    await h.sql`TRUNCATE product_daily, product_open_lines`;
    const [p1, p2] = [randomUUID(), randomUUID()].sort();
    const orderId = randomUUID();
    const user = randomUUID();
    const first = eventLog();
    order(first, {
      orderId,
      userId: user,
      lines: [{ productId: p1!, quantity: 1, unitPriceCents: 700 }],
      at: '2026-03-03T09:00:00Z',
      outcome: 'pending',
    });
    await apply(first.events);
    // The same order placed again (p1 at another price, and p2), refunded and cancelled in one batch.
    const second = eventLog();
    const placedAgain = order(second, {
      orderId,
      userId: user,
      lines: [
        { productId: p1!, quantity: 3, unitPriceCents: 900 },
        { productId: p2!, quantity: 2, unitPriceCents: 400 },
      ],
      at: '2026-03-03T10:00:00Z',
      outcome: 'out_of_stock',
    });
    expect(placedAgain.orderId).toBe(orderId);
    await apply(second.events.filter((e) => productSalesProjection.handles.includes(e.type)));
    expect(await daily()).toEqual([
      { product_id: p1, currency: 'USD', units: 0, revenue: 0, completed: 0, cancelled: 1, refunded: 700 },
      { product_id: p2, currency: 'USD', units: 0, revenue: 0, completed: 0, cancelled: 1, refunded: 800 },
    ]);
    expect(await h.sql`SELECT * FROM product_open_lines`).toEqual([]);
  });
});
