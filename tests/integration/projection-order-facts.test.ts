/** Projection spec of order_facts: given an order's saga events → one row with the time of each step. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFactsProjection } from '@/server/projections/order-facts';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventLog, given, order } from './support/projection-spec';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('spec_order_facts');
});
afterAll(async () => {
  await t?.cleanup();
});

const rows = () => t.services.read.sql<Record<string, unknown>[]>`
  SELECT order_id, user_id, currency, total_cents::int AS total, to_char(placed_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS placed,
    to_char(paid_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS paid, to_char(reserved_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS reserved,
    to_char(completed_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS completed, to_char(cancelled_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS cancelled,
    cancel_reason, refunded_cents::int AS refunded
  FROM order_facts ORDER BY placed_at`;

describe('order_facts projection', () => {
  it('keeps, per order, when it was placed, paid, reserved, completed or cancelled, and why', async () => {
    const log = eventLog();
    const user = randomUUID();
    const product = randomUUID();
    const line = [{ productId: product, quantity: 2, unitPriceCents: 1500 }];
    const done = order(log, { userId: user, lines: line, at: '2026-03-02T10:00:00Z', outcome: 'completed', stepSeconds: 30 });
    const declined = order(log, { userId: user, lines: line, at: '2026-03-02T11:00:00Z', outcome: 'payment_failed', currency: 'EUR' });
    const soldOut = order(log, { userId: user, lines: line, at: '2026-03-02T12:00:00Z', outcome: 'out_of_stock' });
    const open = order(log, { userId: user, lines: line, at: '2026-03-02T13:00:00Z', outcome: 'pending' });
    await given(t.services.read, orderFactsProjection, log.events);
    expect(await rows()).toEqual([
      {
        order_id: done.orderId,
        user_id: user,
        currency: 'USD',
        total: 3000,
        placed: '10:00:00',
        paid: '10:00:30',
        reserved: '10:01:00',
        completed: '10:01:30',
        cancelled: null,
        cancel_reason: null,
        refunded: 0,
      },
      {
        order_id: declined.orderId,
        user_id: user,
        currency: 'EUR',
        total: 3000,
        placed: '11:00:00',
        paid: null,
        reserved: null,
        completed: null,
        cancelled: '11:02:00',
        cancel_reason: 'payment_failed',
        refunded: 0,
      },
      {
        order_id: soldOut.orderId,
        user_id: user,
        currency: 'USD',
        total: 3000,
        placed: '12:00:00',
        paid: '12:01:00',
        reserved: null,
        completed: null,
        cancelled: '12:04:00',
        cancel_reason: 'out_of_stock',
        refunded: 3000,
      },
      {
        order_id: open.orderId,
        user_id: user,
        currency: 'USD',
        total: 3000,
        placed: '13:00:00',
        paid: null,
        reserved: null,
        completed: null,
        cancelled: null,
        cancel_reason: null,
        refunded: 0,
      },
    ]);
  });

  it('ignores events it does not handle', async () => {
    const log = eventLog();
    log.add('UserCreated', { userId: randomUUID(), email: 'a@example.test', name: 'A' }, '2026-03-01T00:00:00Z');
    await given(t.services.read, orderFactsProjection, log.events);
    expect(await rows()).toEqual([]);
  });
});
