/**
 * The query side as a user meets it: read-your-writes with `minPosition` (no sleeping), answers
 * served from the Redis cache and refreshed when a projection advances, answers without Redis, and
 * lag that shows (and grows) when no worker runs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '@/server/services';
import { createUser, recordLogin, updateUserEmail } from '@/server/commands/users';
import { createProduct, restock } from '@/server/commands/catalog';
import { placeOrder } from '@/server/commands/orders';
import { recordHistoricalOrder } from '@/server/commands/history';
import { userProfile, userOrders, searchUsers } from '@/server/queries/users';
import { getOrder } from '@/server/queries/orders';
import { listProducts } from '@/server/queries/catalog';
import { revenue } from '@/server/queries/reports';
import { projectionStatus } from '@/server/queries/ops';
import { startWorker } from '@/server/readside/worker';
import { MAX_WAIT_MS } from '@/server/readside/wait';
import { createTestEnv, type TestEnv } from './support/harness';
import { ctx, settle, testLog } from './support/readside';
import { projectionNames, projections } from '@/server/projections/registry';

/**
 * The longest wait a query may ask for. The safe horizon of the log is cluster-wide: a writing
 * transaction of any database on this server (other test files run in parallel, some hold one open
 * on purpose) delays every read model for as long as it stays open; the default 2 s is too short a
 * margin for a shared test server.
 */
const waitMs = MAX_WAIT_MS;

describe('read-your-writes with minPosition', () => {
  let t: TestEnv;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    t = await createTestEnv('readside_ryw', { poolMax: 6 });
    worker = await startWorker(t.services, testLog);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.cleanup();
  });

  it("a query right after a command shows the command's effect, not a stale answer", { timeout: 180_000 }, async () => {
    const s = t.services;
    const { productId, position: p0 } = await createProduct(s, ctx(), {
      sku: `RYW-${randomUUID().slice(0, 6)}`,
      name: 'Teapot',
      priceCents: 1250,
      stock: 100,
    });
    const products = await listProducts(s, { q: 'Teapot', limit: 10, minPosition: p0, waitMs });
    expect(products.freshness.stale).toBe(false);
    expect(products.data.items).toMatchObject([{ productId, name: 'Teapot', priceCents: 1250, onHand: 100, available: 100 }]);

    // Many rounds, each reading right after its own write: none may be stale or show the old state.
    for (let i = 0; i < 12; i++) {
      const email = `ryw${i}.${randomUUID().slice(0, 6)}@example.test`;
      const created = await createUser(s, ctx(), { email, name: `Reader ${i}` });
      const profile = await userProfile(s, { userId: created.userId, minPosition: created.position, waitMs });
      expect(profile.freshness.stale).toBe(false);
      expect(profile.freshness.position).toBeGreaterThanOrEqual(created.position);
      expect(profile.data).toMatchObject({ userId: created.userId, email, name: `Reader ${i}`, totalOrders: 0 });

      const renamed = `renamed.${email}`;
      const updated = await updateUserEmail(s, ctx(), { userId: created.userId, email: renamed });
      expect((await userProfile(s, { userId: created.userId, minPosition: updated.position, waitMs })).data).toMatchObject({
        email: renamed,
      });
      const search = await searchUsers(s, { q: `Reader ${i}`, limit: 5, minPosition: updated.position, waitMs });
      expect(search.freshness.stale).toBe(false);
      expect(search.data.items.map((u) => u.email)).toContain(renamed);

      const login = await recordLogin(s, ctx(), { userId: created.userId, at: '2025-03-01T10:00:00.000Z' });
      expect((await userProfile(s, { userId: created.userId, minPosition: login.position, waitMs })).data).toMatchObject({
        lastLoginAt: '2025-03-01T10:00:00.000Z',
      });

      const order = await placeOrder(s, ctx(), {
        userId: created.userId,
        items: [{ productId, quantity: 1 }],
        payment: { token: 'tok_ok' },
      });
      const got = await getOrder(s, { orderId: order.orderId, minPosition: order.position, waitMs });
      expect(got.freshness.stale).toBe(false);
      expect(got.data).toMatchObject({ orderId: order.orderId, status: 'pending', totalCents: 1250 });
      expect(
        (await userOrders(s, { userId: created.userId, limit: 10, minPosition: order.position, waitMs })).data.items.map((o) => o.orderId),
      ).toEqual([order.orderId]);

      const stocked = await restock(s, ctx(), { productId, quantity: 5 });
      const after = await listProducts(s, { q: 'Teapot', limit: 10, minPosition: stocked.position, waitMs });
      expect(after.data.items[0]).toMatchObject({ onHand: 100 + 5 * (i + 1) });
    }
  });

  it('a completed order shows in the profile totals and the revenue report at once', async () => {
    const s = t.services;
    const { productId } = await createProduct(s, ctx(), {
      sku: `RYW-${randomUUID().slice(0, 6)}`,
      name: 'Kettle',
      priceCents: 4000,
      stock: 100,
    });
    const { userId } = await createUser(s, ctx(), { email: `buyer.${randomUUID().slice(0, 6)}@example.test`, name: 'Buyer' });
    const placed = new Date('2025-02-10T12:00:00Z');
    const done = await recordHistoricalOrder(s, ctx({ commandId: randomUUID(), now: () => placed }), {
      userId,
      items: [{ productId, quantity: 2 }],
      paymentToken: 'tok_ok',
      outcome: 'completed',
      settledAt: new Date('2025-02-11T09:00:00Z'),
    });
    const profile = await userProfile(s, { userId, minPosition: done.position, waitMs });
    expect(profile).toMatchObject({ freshness: { stale: false }, data: { totalOrders: 1, totalSpentCents: 8000 } });
    const report = await revenue(s, { from: '2025-02-10', to: '2025-02-11', minPosition: done.position, waitMs });
    expect(report.freshness.stale).toBe(false);
    expect(report.data).toEqual([
      {
        day: '2025-02-10',
        currency: 'USD',
        completedCount: 0,
        revenueCents: 0,
        avgOrderValueCents: 0,
        placedCount: 1,
        cancelledCount: 0,
        refundedCents: 0,
      },
      {
        day: '2025-02-11',
        currency: 'USD',
        completedCount: 1,
        revenueCents: 8000,
        avgOrderValueCents: 8000,
        placedCount: 0,
        cancelledCount: 0,
        refundedCents: 0,
      },
    ]);
  });
});

describe('the query cache', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv('readside_cache');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("serves the second identical query from Redis; a projection's advance makes the next answer fresh", async () => {
    const s = t.services;
    const worker = await startWorker(s, testLog);
    try {
      const { userId, position } = await createUser(s, ctx(), { email: 'cached@example.test', name: 'Cached' });
      const first = await userProfile(s, { userId, minPosition: position, waitMs });
      const stats0 = { ...s.cache.stats };
      const second = await userProfile(s, { userId });
      expect(s.cache.stats.hits).toBe(stats0.hits + 1);
      expect(s.cache.stats.misses).toBe(stats0.misses);
      expect(second).toEqual(first);
      const keys = await s.redis.keys(`${t.prefix}:q:users.profile:*`);
      expect(keys.length).toBeGreaterThan(0);

      const { position: p2 } = await updateUserEmail(s, ctx(), { userId, email: 'changed@example.test' });
      const stats1 = { ...s.cache.stats };
      const third = await userProfile(s, { userId, minPosition: p2, waitMs });
      expect(s.cache.stats.misses).toBe(stats1.misses + 1);
      expect(third.data).toMatchObject({ email: 'changed@example.test' });
      expect(third.freshness.position).toBeGreaterThan(first.freshness.position);
      // …and that fresh answer is now the cached one.
      const fourth = await userProfile(s, { userId });
      expect(s.cache.stats.hits).toBe(stats1.hits + 1);
      expect(fourth.data).toMatchObject({ email: 'changed@example.test' });
    } finally {
      await worker.stop();
    }
  });

  it('answers when Redis is unreachable', async () => {
    const { userId, position } = await createUser(t.services, ctx(), { email: 'noredis@example.test', name: 'No Redis' });
    const worker = await startWorker(t.services, testLog);
    let offline: Services | undefined;
    try {
      await settle(t.services.read.sql, projectionNames);
      offline = createServices({ databaseUrl: t.url, redisUrl: 'redis://127.0.0.1:1', prefix: t.prefix, poolMax: 2 });
      const answer = await userProfile(offline, { userId, minPosition: position });
      expect(answer.freshness.stale).toBe(false);
      expect(answer.data).toMatchObject({ userId, email: 'noredis@example.test' });
      const again = await userProfile(offline, { userId });
      expect(again.data).toEqual(answer.data);
      expect(offline.cache.stats.hits).toBe(0);
      expect(offline.cache.stats.errors).toBeGreaterThan(0);
    } finally {
      await offline?.close();
      await worker.stop();
    }
  });
});

describe('lag', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv('readside_lag');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('with no worker running, ops.projections shows events behind and seconds that grow', async () => {
    const s = t.services;
    const worker = await startWorker(s, testLog);
    await createUser(s, ctx(), { email: 'lag0@example.test', name: 'Lag Zero' });
    await settle(s.read.sql, projectionNames);
    const caughtUp = await projectionStatus(s);
    expect(caughtUp.data.map((p) => [p.name, p.lagEvents, p.lagSeconds])).toEqual(
      projectionNames
        .slice()
        .sort()
        .map((n) => [n, 0, 0]),
    );
    await worker.stop();

    for (let i = 1; i <= 3; i++) await createUser(s, ctx(), { email: `lag${i}@example.test`, name: `Lag ${i}` });
    const first = await projectionStatus(s);
    // Let the clock move on: the lag in seconds is about time passing.
    await new Promise((r) => setTimeout(r, 250));
    const second = await projectionStatus(s);
    // Three UserCreated events: behind are the projections that handle them; the others have nothing to do.
    const handlesUsers = projections.filter((p) => p.handles.includes('UserCreated')).map((p) => p.name);
    expect(handlesUsers.length).toBeGreaterThanOrEqual(2);
    for (const p of second.data) {
      const before = first.data.find((x) => x.name === p.name)!;
      const behind = handlesUsers.includes(p.name);
      expect({ name: p.name, lagEvents: p.lagEvents, status: p.status }).toEqual({
        name: p.name,
        lagEvents: behind ? 3 : 0,
        status: 'running',
      });
      expect(p.head).toBeGreaterThan(p.position);
      if (behind) {
        expect(p.lagSeconds).toBeGreaterThan(0);
        expect(p.lagSeconds - before.lagSeconds).toBeGreaterThanOrEqual(0.2);
      } else {
        expect(p.lagSeconds).toBe(0);
      }
    }
  });
});
