/**
 * A rebuild through the operator's path (ops.rebuildProjection → a job → server/readside/rebuild.ts) gives
 * exactly the rows the incremental path built; queries keep answering while it runs; and a rebuild
 * during a stream of commands ends equal to the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { projectionNames, projections } from '@/server/projections/registry';
import { userProfile, searchUsers, userOrders } from '@/server/queries/users';
import { listOrders } from '@/server/queries/orders';
import { listProducts } from '@/server/queries/catalog';
import { revenue, dailyRegistrations } from '@/server/queries/reports';
import { projectionStatus } from '@/server/queries/ops';
import { cohorts, funnel, products } from '@/server/queries/analytics/queries';
import { startWorker } from '@/server/readside/worker';
import { insertSyntheticLog, sizeFor } from '@/testkit/event-log';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { checkpointRows, mismatchesWithLog, runCommands, seedShop, settle, testLog, waitUntil, type Shop } from './support/readside';

let t: TestEnv;
let worker: Awaited<ReturnType<typeof startWorker>>;
let shop: Shop;
beforeAll(async () => {
  t = await createTestEnv('readside_rebuild', { poolMax: 8 });
  shop = await seedShop(t.services, { users: 10, products: 8 });
  await runCommands(t.services, shop, 120, { concurrency: 3 });
  // An older log underneath (OrderPlaced v1 among them): enough events that a rebuild takes a while.
  await insertSyntheticLog(t.services.write.sql, { ...sizeFor(30_000), chunkOrders: 2000 });
  worker = await startWorker(t.services, testLog);
  await settle(t.services.read.sql, projectionNames, 120_000);
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

/** Every row of every table of a projection, as sorted JSON text. */
async function snapshot(sql: postgres.Sql, tables: readonly string[]) {
  const out: Record<string, string[]> = {};
  for (const table of tables)
    out[table] = (await sql.unsafe<{ j: string }[]>(`SELECT to_jsonb(t)::text AS j FROM "${table}" t ORDER BY 1`)).map((r) => r.j);
  return out;
}

async function clearQueryCache() {
  const keys = await t.services.redis.keys(`${t.prefix}:q:*`);
  if (keys.length) await t.services.redis.unlink(...keys);
}

const rebuildState = async (name: string) => (await projectionStatus(t.services)).data.find((p) => p.name === name)!.rebuild?.state ?? null;

describe('rebuilding a projection', () => {
  it('gives the same rows as the incremental path, and queries answer throughout', { timeout: 240_000 }, async () => {
    const s = t.services;
    const admin = await callerFor(s, 'admin');
    const someUser = shop.users[0]!;
    const expectedProfile = (await userProfile(s, { userId: someUser })).data;
    expect(expectedProfile).not.toBeNull();

    // One query per read model, each of which must answer with data at any moment.
    const queries: Record<string, () => Promise<boolean>> = {
      user_profile: async () => JSON.stringify((await userProfile(s, { userId: someUser })).data) === JSON.stringify(expectedProfile),
      user_search: async () => (await searchUsers(s, { q: 'Ada', limit: 5 })).data.items.length > 0,
      order_summary: async () =>
        (await listOrders(s, { limit: 20 })).data.items.length === 20 &&
        (await userOrders(s, { userId: someUser, limit: 5 })).data.items.length > 0,
      inventory: async () => (await listProducts(s, { limit: 20 })).data.items.length === 20,
      analytics: async () =>
        (await revenue(s, { from: '2025-01-01', to: '2025-03-31' })).data.some((d) => d.revenueCents > 0) &&
        (await dailyRegistrations(s, { from: '2025-01-01', to: '2025-03-31' })).data.some((d) => d.count > 0),
      order_facts: async () => (await funnel(s, { from: '2025-01-01', to: '2025-03-31' })).data.steps.every((st) => st.orders > 0),
      product_sales_daily: async () => (await products(s, { from: '2025-01-01', to: '2025-03-31' })).data.some((p) => p.unitsSold > 0),
      cohorts: async () => (await cohorts(s, { from: '2025-01-01', to: '2025-03-31' })).data.cohorts.some((c) => c.customers > 0),
    };

    for (const def of projections) {
      const before = await snapshot(s.read.sql, def.tables);
      const shapeBefore = await tableShape(def.tables);
      const cksBefore = await checkpointRows(s.read.sql);
      expect(Object.values(before).some((rows) => rows.length > 0)).toBe(true);

      await admin.ops.rebuildProjection({ name: def.name });
      let answered = 0;
      let answeredWhileRunning = 0;
      let state: string | null = 'queued';
      while (state !== 'done') {
        const running = state === 'running';
        // Not from the cache (nothing moves the live checkpoint during this rebuild, so every answer
        // would be a hit): the live tables must answer.
        await clearQueryCache();
        const misses = s.cache.stats.misses;
        const ok = await queries[def.name]!();
        expect(s.cache.stats.misses).toBeGreaterThan(misses);
        expect({ projection: def.name, ok }).toEqual({ projection: def.name, ok: true });
        answered++;
        state = await rebuildState(def.name);
        if (running && state === 'running') answeredWhileRunning++;
        if (state === 'error')
          throw new Error(
            `rebuild of ${def.name} failed: ${JSON.stringify((await projectionStatus(s)).data.find((p) => p.name === def.name))}`,
          );
      }
      expect(answered).toBeGreaterThan(0);
      if (['order_summary', 'analytics', 'inventory'].includes(def.name))
        expect({ projection: def.name, answeredWhileRunning: answeredWhileRunning > 0 }).toEqual({
          projection: def.name,
          answeredWhileRunning: true,
        });

      const after = await snapshot(s.read.sql, def.tables);
      for (const table of def.tables) {
        expect({ table, rows: after[table]!.length }).toEqual({ table, rows: before[table]!.length });
        expect(after[table]).toEqual(before[table]);
      }
      // The swapped-in tables are built like the live ones: the same indexes, the same storage parameters.
      expect(await tableShape(def.tables)).toEqual(shapeBefore);
      const ck = (await checkpointRows(s.read.sql)).get(def.name)!;
      expect({ status: ck.status, applied: ck.eventsApplied }).toEqual({
        status: 'running',
        applied: cksBefore.get(def.name)!.eventsApplied,
      });
      const [schemas] = await s.read.sql<{ n: string }[]>`SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`;
      expect(Number(schemas!.n)).toBe(0);
    }
    expect(await queries.user_profile!()).toBe(true);
    // Not vacuous: the update-heavy read models carry a fillfactor (db/migrations/0012), kept by their rebuild.
    expect((await tableShape(['user_profiles', 'order_summaries'])).map((t) => t.options)).toEqual([['fillfactor=70'], ['fillfactor=70']]);
  });

  it(
    'a rebuild while commands flow ends equal to the log, and the projection goes on from where the rebuild stopped',
    { timeout: 240_000 },
    async () => {
      const s = t.services;
      const admin = await callerFor(s, 'admin');
      const traffic = runCommands(s, shop, 150, { concurrency: 2, offset: 1000 });
      for (const name of ['order_summary', 'user_profile', 'analytics', 'inventory']) await admin.ops.rebuildProjection({ name });
      await expect(admin.ops.rebuildProjection({ name: 'analytics' })).rejects.toMatchObject({ code: 'CONFLICT' });
      await traffic;
      await waitUntil(
        s.read.sql,
        async () => {
          const states = await Promise.all(['order_summary', 'user_profile', 'analytics', 'inventory'].map(rebuildState));
          if (states.includes('error')) throw new Error(`a rebuild failed: ${states.join(', ')}`);
          return states.every((x) => x === 'done');
        },
        { timeoutMs: 180_000, what: 'the four rebuilds were done' },
      );
      // After the swap, commands keep being applied incrementally.
      await runCommands(s, shop, 30, { concurrency: 2, offset: 2000 });
      await settle(s.read.sql, projectionNames, 60_000);
      const { mismatches } = await mismatchesWithLog(s.read, projections, { batch: 997 });
      expect(mismatches).toEqual([]);
    },
  );
});

/** A table's indexes (name and definition) and storage parameters, as the catalogue has them. */
async function tableShape(tables: readonly string[]) {
  return Promise.all(
    tables.map(async (table) => {
      const [c] = await t.services.read.sql<{ options: string[] | null }[]>`
        SELECT reloptions AS options FROM pg_class WHERE oid = ${`public.${table}`}::regclass`;
      const indexes = await t.services.read.sql<{ indexname: string; indexdef: string }[]>`
        SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ${table} ORDER BY indexname`;
      return { table, options: c?.options ?? null, indexes: indexes.map((i) => `${i.indexname}: ${i.indexdef}`) };
    }),
  );
}
