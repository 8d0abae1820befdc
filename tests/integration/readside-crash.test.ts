/**
 * Real worker processes (`tsx workers/main.ts`) killed with SIGKILL in the middle of their work,
 * then replaced by two that run at once: every read model ends equal to a rebuild from the log,
 * and each projection's count of applied events equals the number of events it handles (a batch
 * applied twice, or lost, would show in both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectionNames, projections } from '@/server/projections/registry';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import { insertSyntheticLog, sizeFor } from '@/testkit/event-log';
import { createTestEnv, serverEnv, type TestEnv } from './support/harness';
import {
  checkpointRows,
  mismatchesWithLog,
  runCommands,
  seedShop,
  settle,
  spawnWorker,
  waitUntil,
  workerBackends,
  type WorkerProcess,
} from './support/readside';

let t: TestEnv;
const started: WorkerProcess[] = [];
beforeAll(async () => {
  t = await createTestEnv('readside_crash', { poolMax: 4 });
});
afterAll(async () => {
  await Promise.all(started.map((w) => w.kill9()));
  await t?.cleanup();
});

async function handledCounts() {
  const rows = await t.services.read.sql<{ type: string; n: string }[]>`SELECT type, count(*) AS n FROM events GROUP BY type`;
  const byType = new Map(rows.map((r) => [r.type, Number(r.n)]));
  return Object.fromEntries(projections.map((d) => [d.name, d.handles.reduce((a, ty) => a + (byType.get(ty) ?? 0), 0)]));
}

/** Starts a worker, waits until it has committed a batch and has another transaction open, then kills it with SIGKILL. */
async function killMidBatch(env: Record<string, string>) {
  const worker = spawnWorker(env);
  started.push(worker);
  let committed = 0;
  const listener = await t.services.read.sql.listen(PROJECTIONS_CHANNEL, () => {
    committed++;
  });
  try {
    await waitUntil(
      t.services.read.sql,
      async () => {
        if (worker.exitCode() !== null) throw new Error(`worker exited early:\n${worker.output()}`);
        if (committed === 0) return false;
        return (await workerBackends(t.services.read.sql)).some((b) => b.in_tx && b.state !== 'idle');
      },
      { timeoutMs: 60_000, recheckMs: 5, what: 'the worker was in the middle of a batch' },
    );
    await worker.kill9();
  } finally {
    await listener.unlisten();
  }
  // Postgres sees the sockets close and rolls back whatever the worker had open.
  await waitUntil(t.services.read.sql, async () => (await workerBackends(t.services.read.sql)).length === 0, {
    recheckMs: 20,
    what: "the killed worker's connections were gone",
  });
}

describe('a worker killed with SIGKILL mid-batch', () => {
  it(
    'the next workers (two at once) resume from the checkpoints: every read model equals a rebuild from the log',
    { timeout: 240_000 },
    async () => {
      const shop = await seedShop(t.services, { users: 8, products: 6 });
      await runCommands(t.services, shop, 60, { concurrency: 3, liveOrders: false });
      // Enough work that a worker with 1000-event batches is busy for a while.
      await insertSyntheticLog(t.services.write.sql, { ...sizeFor(20_000), firstOrder: 0, chunkOrders: 2000 });
      const env = { ...serverEnv(t), DB_POOL_MAX: '8' };

      await killMidBatch(env);
      const afterFirst = await checkpointRows(t.services.read.sql);
      const expected = await handledCounts();
      const partial = projectionNames.filter((n) => afterFirst.get(n)!.eventsApplied < expected[n]!);
      expect(partial.length).toBeGreaterThan(0);
      expect(projectionNames.some((n) => afterFirst.get(n)!.eventsApplied > 0)).toBe(true);

      await killMidBatch(env);

      // Two workers at once, while more commands arrive.
      const a = spawnWorker(env);
      const b = spawnWorker(env);
      started.push(a, b);
      await runCommands(t.services, shop, 60, { concurrency: 3, offset: 60, liveOrders: false });
      await settle(t.services.read.sql, projectionNames, 120_000);
      expect([a.exitCode(), b.exitCode()]).toEqual([null, null]);

      const final = await checkpointRows(t.services.read.sql);
      const counts = await handledCounts();
      expect(
        Object.fromEntries(projectionNames.map((n) => [n, { applied: final.get(n)!.eventsApplied, status: final.get(n)!.status }])),
      ).toEqual(Object.fromEntries(projectionNames.map((n) => [n, { applied: counts[n], status: 'running' }])));
      const { mismatches, tables } = await mismatchesWithLog(t.services.read, projections, { batch: 997 });
      expect(mismatches).toEqual([]);
      // Every read model was compared over real rows, except the product projection's working table of
      // orders still in flight, which is empty once every order has finished (and equal to the rebuild above).
      const { count: inFlight } = (
        await t.services.write.sql<{ count: number }[]>`SELECT count(*)::int AS count FROM orders WHERE status IN ('pending', 'paid')`
      )[0]!;
      expect(tables.filter((x) => x.table !== 'product_open_lines' || inFlight > 0).every((x) => x.liveRows > 0)).toBe(true);
      await Promise.all([a.stop(), b.stop()]);
    },
  );
});
