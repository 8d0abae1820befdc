/**
 * Projection specs of the core read models: given these events → these rows, against Postgres
 * (support/projection-spec.ts also checks that one event per batch gives the same rows as one
 * batch). The analytics read models added later have their own files (projection-cohorts,
 * projection-order-facts, projection-product-sales).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userProfileProjection } from '@/server/projections/user-profile';
import { userSearchProjection } from '@/server/projections/user-search';
import { orderSummaryProjection } from '@/server/projections/order-summary';
import { inventoryProjection } from '@/server/projections/inventory';
import { analyticsProjection } from '@/server/projections/analytics';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventLog, given, order } from './support/projection-spec';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('spec_core');
});
afterAll(async () => {
  await t?.cleanup();
});
const q = (text: string) => t.services.read.sql.unsafe(text);

describe('user_profile projection', () => {
  it('creates a profile per user, follows email changes and logins, and sums completed orders only', async () => {
    const log = eventLog();
    const ann = randomUUID();
    const line = [{ productId: randomUUID(), quantity: 2, unitPriceCents: 450 }];
    log.add('UserCreated', { userId: ann, email: 'ann@example.test', name: 'Ann Lee' }, '2026-03-01T08:00:00Z', `user-${ann}`);
    log.add(
      'UserEmailUpdated',
      { userId: ann, email: 'ann@new.example', previousEmail: 'ann@example.test' },
      '2026-03-02T08:00:00Z',
      `user-${ann}`,
    );
    log.add('UserLoggedIn', { userId: ann, at: '2026-03-03T09:30:00.000Z' }, '2026-03-03T09:30:00Z', `user-${ann}`);
    order(log, { userId: ann, lines: line, at: '2026-03-04T08:00:00Z', outcome: 'completed' });
    order(log, { userId: ann, lines: line, at: '2026-03-05T08:00:00Z', outcome: 'completed' });
    order(log, { userId: ann, lines: line, at: '2026-03-06T08:00:00Z', outcome: 'payment_failed' });
    await given(t.services.read, userProfileProjection, log.events);
    expect(
      await q(`SELECT user_id, email, name, member_since = '2026-03-01T08:00:00Z' AS since_ok, last_login_at = '2026-03-03T09:30:00Z' AS login_ok,
      total_orders, total_spent_cents::int AS spent FROM user_profiles`),
    ).toEqual([{ user_id: ann, email: 'ann@new.example', name: 'Ann Lee', since_ok: true, login_ok: true, total_orders: 2, spent: 1800 }]);
  });
  it('keeps what a user spent apart per currency, and totalSpentCents is the home currency (USD) part only', async () => {
    const log = eventLog();
    const [bea, cy] = [randomUUID(), randomUUID()];
    log.add('UserCreated', { userId: bea, email: 'bea@example.test', name: 'Bea Cruz' }, '2026-03-01T08:00:00Z', `user-${bea}`);
    log.add('UserCreated', { userId: cy, email: 'cy@example.test', name: 'Cy Park' }, '2026-03-01T09:00:00Z', `user-${cy}`);
    const line = (unitPriceCents: number) => [{ productId: randomUUID(), quantity: 1, unitPriceCents }];
    order(log, { userId: bea, lines: line(1200), at: '2026-03-04T08:00:00Z', outcome: 'completed', currency: 'USD' });
    order(log, { userId: bea, lines: line(700), at: '2026-03-05T08:00:00Z', outcome: 'completed', currency: 'EUR' });
    order(log, { userId: bea, lines: line(300), at: '2026-03-06T08:00:00Z', outcome: 'completed', currency: 'EUR' });
    order(log, { userId: bea, lines: line(999), at: '2026-03-06T09:00:00Z', outcome: 'payment_failed', currency: 'GBP' });
    order(log, { userId: cy, lines: line(500), at: '2026-03-07T08:00:00Z', outcome: 'completed', currency: 'EUR' });
    await given(t.services.read, userProfileProjection, log.events);
    expect(await q(`SELECT name, total_orders, total_spent_cents::int AS usd, spent_by_currency FROM user_profiles ORDER BY name`)).toEqual(
      [
        { name: 'Bea Cruz', total_orders: 3, usd: 1200, spent_by_currency: { USD: 1200, EUR: 1000 } },
        { name: 'Cy Park', total_orders: 1, usd: 0, spent_by_currency: { EUR: 500 } },
      ],
    );
  });
});

describe('user_search projection', () => {
  it('indexes the name and the words of the current email, and keeps the name across an email change', async () => {
    const log = eventLog();
    const [jane, joe] = [randomUUID(), randomUUID()];
    log.add('UserCreated', { userId: jane, email: 'jane.smith@example.test', name: 'Jane Smith' }, '2026-03-01T08:00:00Z', `user-${jane}`);
    log.add('UserCreated', { userId: joe, email: 'joe@example.test', name: 'Joe Bloggs' }, '2026-03-01T09:00:00Z', `user-${joe}`);
    log.add(
      'UserEmailUpdated',
      { userId: joe, email: 'joseph_b@corp.example', previousEmail: 'joe@example.test' },
      '2026-03-02T08:00:00Z',
      `user-${joe}`,
    );
    await given(t.services.read, userSearchProjection, log.events);
    expect(await q(`SELECT user_id, email, name, haystack, document::text AS document FROM user_search ORDER BY name`)).toEqual([
      {
        user_id: jane,
        email: 'jane.smith@example.test',
        name: 'Jane Smith',
        haystack: 'jane smith jane.smith@example.test',
        document: "'example':5B 'jane':1A,3B 'smith':2A,4B 'test':6B",
      },
      {
        user_id: joe,
        email: 'joseph_b@corp.example',
        name: 'Joe Bloggs',
        haystack: 'joe bloggs joseph_b@corp.example',
        document: "'b':4B 'bloggs':2A 'corp':5B 'example':6B 'joe':1A 'joseph':3B",
      },
    ]);
  });
});

describe('order_summary projection', () => {
  it('follows each order through the saga: status, step, timestamps, refund and cancel reason', async () => {
    const log = eventLog();
    const userId = randomUUID();
    const line = [{ productId: randomUUID(), quantity: 3, unitPriceCents: 700 }];
    const done = order(log, { userId, lines: line, at: '2026-03-04T08:00:00Z', outcome: 'completed' });
    const short = order(log, { userId, lines: line, at: '2026-03-04T09:00:00Z', outcome: 'out_of_stock', currency: 'EUR' });
    const open = order(log, { userId, lines: line, at: '2026-03-04T10:00:00Z', outcome: 'pending' });
    await given(t.services.read, orderSummaryProjection, log.events);
    const rows = await q(`SELECT order_id, user_id, status, saga_step, cancel_reason, total_cents, currency, refunded_cents,
      jsonb_array_length(lines) AS lines, paid_at IS NOT NULL AS paid, completed_at IS NOT NULL AS completed, cancelled_at IS NOT NULL AS cancelled,
      to_char(updated_at AT TIME ZONE 'UTC', 'HH24:MI') AS updated FROM order_summaries ORDER BY placed_at`);
    expect(rows).toEqual([
      {
        order_id: done.orderId,
        user_id: userId,
        status: 'completed',
        saga_step: 'done',
        cancel_reason: null,
        total_cents: 2100,
        currency: 'USD',
        refunded_cents: 0,
        lines: 1,
        paid: true,
        completed: true,
        cancelled: false,
        updated: '08:03',
      },
      {
        order_id: short.orderId,
        user_id: userId,
        status: 'cancelled',
        saga_step: 'done',
        cancel_reason: 'out_of_stock',
        total_cents: 2100,
        currency: 'EUR',
        refunded_cents: 2100,
        lines: 1,
        paid: true,
        completed: false,
        cancelled: true,
        updated: '09:04',
      },
      {
        order_id: open.orderId,
        user_id: userId,
        status: 'pending',
        saga_step: 'payment',
        cancel_reason: null,
        total_cents: 2100,
        currency: 'USD',
        refunded_cents: 0,
        lines: 1,
        paid: false,
        completed: false,
        cancelled: false,
        updated: '10:00',
      },
    ]);
  });
});

describe('inventory projection', () => {
  it('keeps price, on hand and reserved per product from creation, restocks, reservations, completions and releases', async () => {
    const log = eventLog();
    const [mug, tea] = [randomUUID(), randomUUID()].sort();
    const userId = randomUUID();
    log.add(
      'ProductCreated',
      { productId: mug!, sku: 'MUG', name: 'Mug', priceCents: 1200, stock: 10 },
      '2026-03-01T08:00:00Z',
      `product-${mug}`,
    );
    log.add(
      'ProductCreated',
      { productId: tea!, sku: 'TEA', name: 'Tea', priceCents: 450, stock: 5 },
      '2026-03-01T08:01:00Z',
      `product-${tea}`,
    );
    log.add(
      'ProductPriceChanged',
      { productId: mug!, priceCents: 1500, previousPriceCents: 1200 },
      '2026-03-02T08:00:00Z',
      `product-${mug}`,
    );
    log.add('InventoryRestocked', { productId: tea!, quantity: 20, onHand: 25 }, '2026-03-02T09:00:00Z', `product-${tea}`);
    // One order reserves 3 mugs and completes; another reserves 2 teas and is cancelled, releasing them; a third holds 1 tea.
    const sold = order(log, {
      userId,
      lines: [{ productId: mug!, quantity: 3, unitPriceCents: 1500 }],
      at: '2026-03-03T08:00:00Z',
      outcome: 'completed',
    });
    const o2 = randomUUID();
    log.add('InventoryReserved', { orderId: o2, lines: [{ productId: tea!, quantity: 2 }] }, '2026-03-03T09:00:00Z', `order-${o2}`);
    log.add(
      'OrderCancelled',
      { orderId: o2, userId, reason: 'payment_timeout', currency: 'USD', released: [{ productId: tea!, quantity: 2 }] },
      '2026-03-03T09:05:00Z',
      `order-${o2}`,
    );
    const o3 = randomUUID();
    log.add('InventoryReserved', { orderId: o3, lines: [{ productId: tea!, quantity: 1 }] }, '2026-03-03T10:00:00Z', `order-${o3}`);
    await given(t.services.read, inventoryProjection, log.events);
    expect(sold.total).toBe(4500);
    expect(await q(`SELECT product_id, sku, name, price_cents, on_hand, reserved FROM inventory ORDER BY product_id`)).toEqual([
      { product_id: mug, sku: 'MUG', name: 'Mug', price_cents: 1500, on_hand: 7, reserved: 0 },
      { product_id: tea, sku: 'TEA', name: 'Tea', price_cents: 450, on_hand: 25, reserved: 1 },
    ]);
  });
});

describe('analytics projection', () => {
  it('counts registrations per day and orders, revenue and refunds per day and currency', async () => {
    const log = eventLog();
    const [ann, bob] = [randomUUID(), randomUUID()];
    const [mug, tea] = [randomUUID(), randomUUID()].sort();
    log.add('UserCreated', { userId: ann, email: 'ann@example.test', name: 'Ann' }, '2026-03-01T08:00:00Z');
    log.add('UserCreated', { userId: bob, email: 'bob@example.test', name: 'Bob' }, '2026-03-01T23:59:00Z');
    order(log, {
      userId: ann,
      lines: [
        { productId: mug!, quantity: 2, unitPriceCents: 1000 },
        { productId: tea!, quantity: 1, unitPriceCents: 300 },
      ],
      at: '2026-03-02T08:00:00Z',
      outcome: 'completed',
    });
    order(log, {
      userId: bob,
      lines: [{ productId: mug!, quantity: 1, unitPriceCents: 1000 }],
      at: '2026-03-02T09:00:00Z',
      outcome: 'completed',
      currency: 'EUR',
    });
    order(log, {
      userId: bob,
      lines: [{ productId: tea!, quantity: 5, unitPriceCents: 300 }],
      at: '2026-03-02T10:00:00Z',
      outcome: 'out_of_stock',
    });
    order(log, {
      userId: ann,
      lines: [{ productId: tea!, quantity: 1, unitPriceCents: 300 }],
      at: '2026-03-02T23:58:00Z',
      outcome: 'payment_failed',
    });
    await given(t.services.read, analyticsProjection, log.events);
    expect(await q(`SELECT to_char(day, 'YYYY-MM-DD') AS day, count FROM daily_registrations ORDER BY day`)).toEqual([
      { day: '2026-03-01', count: 2 },
    ]);
    // The declined order placed at 23:58 is cancelled two minutes later, on the next day.
    expect(
      await q(`SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, placed_count, completed_count, cancelled_count, revenue_cents::int AS revenue, refunded_cents::int AS refunded
      FROM daily_revenue ORDER BY day, currency`),
    ).toEqual([
      { day: '2026-03-02', currency: 'EUR', placed_count: 1, completed_count: 1, cancelled_count: 0, revenue: 1000, refunded: 0 },
      { day: '2026-03-02', currency: 'USD', placed_count: 3, completed_count: 1, cancelled_count: 1, revenue: 2300, refunded: 1500 },
      { day: '2026-03-03', currency: 'USD', placed_count: 0, completed_count: 0, cancelled_count: 1, revenue: 0, refunded: 0 },
    ]);
    // Sales per product are kept per currency by product_sales_daily (projection-product-sales.test.ts);
    // the old all-currency product_sales table, which added USD and EUR together, is gone.
    expect(analyticsProjection.tables).toEqual(['daily_registrations', 'daily_revenue']);
    expect(await q(`SELECT to_regclass('product_sales') IS NULL AS gone`)).toEqual([{ gone: true }]);
  });
});
