import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { rebuildProjection, rebuildProjections } from '@/server/readside/rebuild';
import { orderSummaryProjection } from '@/server/projections/order-summary';
import { analyticsProjection } from '@/server/projections/analytics';
import { revenueBetween } from '@/server/queries/reports';
import { safeHorizon } from '@/server/readside/log';
import { createTestEnv, type TestEnv } from './support/harness';

const log = createLogger('test', 'silent');

/** Appends a stored event exactly as an older release would have written it. */
async function store(env: TestEnv, stream: string, version: number, type: string, schemaVersion: number, data: object, at: string) {
  await env.services.write.sql`
    INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
    VALUES (${randomUUID()}, ${stream}, ${version}, ${type}, ${schemaVersion}, ${JSON.stringify(data)}::jsonb,
      ${JSON.stringify({ correlationId: randomUUID(), causationId: null, commandId: randomUUID(), actor: 'test' })}::jsonb, ${at})`;
}

describe('event versioning', () => {
  let env: TestEnv;
  const user = randomUUID();
  const product = randomUUID();
  const oldOrder = randomUUID();
  const newOrder = randomUUID();
  const line = { productId: product, sku: 'MUG', name: 'Mug', quantity: 2, unitPriceCents: 1500 };

  beforeAll(async () => {
    env = await createTestEnv('versioning');
    await store(env, `user-${user}`, 1, 'UserCreated', 1, { userId: user, email: 'v@example.com', name: 'Vera' }, '2026-01-10T09:00:00Z');
    await store(
      env,
      `product-${product}`,
      1,
      'ProductCreated',
      1,
      { productId: product, sku: 'MUG', name: 'Mug', priceCents: 1500, stock: 100 },
      '2026-01-10T09:00:00Z',
    );
    // Written before currencies existed: OrderPlaced v1 has no currency, nor do its later events.
    await store(
      env,
      `order-${oldOrder}`,
      1,
      'OrderPlaced',
      1,
      { orderId: oldOrder, userId: user, lines: [line], totalCents: 3000, paymentToken: 'tok_ok' },
      '2026-01-11T10:00:00Z',
    );
    await store(
      env,
      `order-${oldOrder}`,
      2,
      'OrderCompleted',
      1,
      { orderId: oldOrder, userId: user, totalCents: 3000, lines: [line] },
      '2026-01-11T10:00:01Z',
    );
    await store(
      env,
      `order-${newOrder}`,
      1,
      'OrderPlaced',
      2,
      { orderId: newOrder, userId: user, lines: [line], totalCents: 3000, paymentToken: 'tok_ok', currency: 'EUR' },
      '2026-01-11T11:00:00Z',
    );
    await store(
      env,
      `order-${newOrder}`,
      2,
      'OrderCompleted',
      1,
      { orderId: newOrder, userId: user, totalCents: 3000, currency: 'EUR', lines: [line] },
      '2026-01-11T11:00:01Z',
    );
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('rebuilds read models from a log of v1 and v2 events: v1 orders read as USD, v2 keep their currency', async () => {
    // Readers see only events older than every running transaction on the server (other test
    // files' included); wait until ours are all below that horizon.
    const [last] = await env.services.write.sql<{ tx: string }[]>`SELECT max(tx_id::text::bigint)::text AS tx FROM events`;
    for (let h = await safeHorizon(env.services.write.db); h <= BigInt(last!.tx); h = await safeHorizon(env.services.write.db)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const runner = new ProjectionRunner(env.services.write, env.services.read, [orderSummaryProjection, analyticsProjection], log);
    await runner.ensureCheckpoints();
    await rebuildProjection(env.services.read, env.services.write, orderSummaryProjection, log);
    await rebuildProjection(env.services.read, env.services.write, analyticsProjection, log);

    const orders = await env.services.read.sql<{ order_id: string; currency: string; status: string }[]>`
      SELECT order_id, currency, status FROM order_summaries ORDER BY placed_at`;
    expect(orders).toEqual([
      { order_id: oldOrder, currency: 'USD', status: 'completed' },
      { order_id: newOrder, currency: 'EUR', status: 'completed' },
    ]);
    const usd = await revenueBetween(env.services, { from: '2026-01-11', to: '2026-01-11' });
    const eur = await revenueBetween(env.services, { from: '2026-01-11', to: '2026-01-11', currency: 'EUR' });
    expect(usd).toEqual([
      expect.objectContaining({ day: '2026-01-11', currency: 'USD', completedCount: 1, placedCount: 1, revenueCents: 3000 }),
    ]);
    expect(eur).toEqual([
      expect.objectContaining({ day: '2026-01-11', currency: 'EUR', completedCount: 1, placedCount: 1, revenueCents: 3000 }),
    ]);
  });

  it('upcasts the same in a combined rebuild, where one pass over the log feeds both read models', async () => {
    const rebuilt = await rebuildProjections(env.services.read, env.services.write, [orderSummaryProjection, analyticsProjection], log);
    // order_summary handles every order event (4); analytics the orders' and the user's (5).
    expect(rebuilt).toEqual([
      { name: 'order_summary', events: 4 },
      { name: 'analytics', events: 5 },
    ]);
    const orders = await env.services.read.sql<{ order_id: string; currency: string; status: string }[]>`
      SELECT order_id, currency, status FROM order_summaries ORDER BY placed_at`;
    expect(orders).toEqual([
      { order_id: oldOrder, currency: 'USD', status: 'completed' },
      { order_id: newOrder, currency: 'EUR', status: 'completed' },
    ]);
    const days = await env.services.read.sql<{ currency: string; placed_count: number; revenue_cents: string }[]>`
      SELECT currency, placed_count, revenue_cents::text FROM daily_revenue WHERE day = '2026-01-11' ORDER BY currency`;
    expect(days).toEqual([
      { currency: 'EUR', placed_count: 1, revenue_cents: '3000' },
      { currency: 'USD', placed_count: 1, revenue_cents: '3000' },
    ]);
  });

  it('never rewrites the stored events', async () => {
    const [old] = await env.services.write.sql<{ schema_version: number; data: Record<string, unknown> }[]>`
      SELECT schema_version, data FROM events WHERE stream_id = ${`order-${oldOrder}`} AND stream_version = 1`;
    expect(old!.schema_version).toBe(1);
    expect(old!.data).not.toHaveProperty('currency');
  });
});
