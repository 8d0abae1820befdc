/** Projection spec of product_sales_daily: given orders → per product, day and currency, sales, cancellations and refunds. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productSalesProjection } from '@/server/projections/product-sales';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventLog, given, order } from './support/projection-spec';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('spec_product_sales');
});
afterAll(async () => {
  await t?.cleanup();
});

const daily = () => t.services.read.sql<Record<string, unknown>[]>`
  SELECT product_id, to_char(day, 'YYYY-MM-DD') AS day, currency, units_sold AS units, revenue_cents::int AS revenue,
    completed_orders AS completed, cancelled_orders AS cancelled, refunded_cents::int AS refunded
  FROM product_daily ORDER BY day, product_id, currency`;

describe('product_sales_daily projection', () => {
  it('counts units and revenue on the completion day, cancellations and refunds on theirs, per currency', async () => {
    const log = eventLog();
    const user = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()].sort();
    // Completes on the next day (placed 23:59, steps an hour apart).
    order(log, {
      userId: user,
      lines: [
        { productId: a!, quantity: 2, unitPriceCents: 1000 },
        { productId: b!, quantity: 1, unitPriceCents: 500 },
      ],
      at: '2026-03-01T23:59:00Z',
      outcome: 'completed',
      stepSeconds: 3600,
    });
    order(log, {
      userId: user,
      lines: [{ productId: a!, quantity: 1, unitPriceCents: 1000 }],
      at: '2026-03-02T09:00:00Z',
      outcome: 'completed',
    });
    order(log, {
      userId: user,
      lines: [{ productId: a!, quantity: 3, unitPriceCents: 900 }],
      at: '2026-03-02T10:00:00Z',
      outcome: 'completed',
      currency: 'EUR',
    });
    order(log, {
      userId: user,
      lines: [
        { productId: a!, quantity: 4, unitPriceCents: 1000 },
        { productId: b!, quantity: 2, unitPriceCents: 500 },
      ],
      at: '2026-03-02T11:00:00Z',
      outcome: 'out_of_stock',
    });
    order(log, {
      userId: user,
      lines: [{ productId: b!, quantity: 1, unitPriceCents: 500 }],
      at: '2026-03-02T12:00:00Z',
      outcome: 'payment_failed',
    });
    order(log, {
      userId: user,
      lines: [{ productId: b!, quantity: 7, unitPriceCents: 500 }],
      at: '2026-03-02T13:00:00Z',
      outcome: 'pending',
    });
    await given(t.services.read, productSalesProjection, log.events);
    expect(await daily()).toEqual([
      { product_id: a, day: '2026-03-02', currency: 'EUR', units: 3, revenue: 2700, completed: 1, cancelled: 0, refunded: 0 },
      { product_id: a, day: '2026-03-02', currency: 'USD', units: 3, revenue: 3000, completed: 2, cancelled: 1, refunded: 4000 },
      { product_id: b, day: '2026-03-02', currency: 'USD', units: 1, revenue: 500, completed: 1, cancelled: 2, refunded: 1000 },
    ]);
    // Only the pending order's lines are still waiting for an outcome.
    const open = await t.services.read.sql`SELECT product_id, quantity, value_cents::int AS value FROM product_open_lines`;
    expect(open).toEqual([{ product_id: b, quantity: 7, value: 3500 }]);
  });
});
