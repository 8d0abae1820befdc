/**
 * Invariants 2–4 under the accidents a queue-driven read side meets: a job delivered twice (and
 * many times, to two runners at once), a batch that fails half way through, and Redis losing every
 * key while commands flow. Each time every read model must end equal to a rebuild from the log,
 * and the counting projection must show every event applied exactly once, in log order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '@/server/services';
import { projections } from '@/server/projections/registry';
import type { ProjectionDefinition } from '@/server/projections/types';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { startWorker } from '@/server/readside/worker';
import { QUEUE } from '@/server/queues';
import { deleteKeys, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingEnv,
  createCountingEnvWithPeer,
  mismatchesWithLog,
  runCommands,
  seedShop,
  settle,
  testLog,
} from './support/readside';

const exactlyOnce = { rows: expect.any(Number), duplicated: 0, missing: 0, unexpected: 0, outOfOrder: 0 };

/** Events each projection handles, by the log. */
async function handledCounts(s: Services, defs: ProjectionDefinition[]) {
  const rows = await s.read.sql<{ type: string; n: string }[]>`SELECT type, count(*) AS n FROM events GROUP BY type`;
  const byType = new Map(rows.map((r) => [r.type, Number(r.n)]));
  return Object.fromEntries(defs.map((d) => [d.name, d.handles.reduce((a, ty) => a + (byType.get(ty) ?? 0), 0)]));
}

async function expectAppliedOnceAndEqualToLog(s: Services, defs: ProjectionDefinition[]) {
  const report = await countingReport(s.read.sql);
  expect(report).toEqual(exactlyOnce);
  expect(report.rows).toBeGreaterThan(0);
  const cks = await checkpointRows(s.read.sql);
  const expected = await handledCounts(s, defs);
  expect(
    Object.fromEntries(defs.map((d) => [d.name, { applied: cks.get(d.name)!.eventsApplied, status: cks.get(d.name)!.status }])),
  ).toEqual(Object.fromEntries(defs.map((d) => [d.name, { applied: expected[d.name], status: 'running' }])));
  const { mismatches, tables } = await mismatchesWithLog(s.read, projections);
  expect(mismatches).toEqual([]);
  for (const table of ['user_profiles', 'order_summaries', 'inventory', 'daily_revenue', 'product_daily']) {
    expect({ table, empty: tables.find((x) => x.table === table)!.liveRows === 0 }).toEqual({ table, empty: false });
  }
}

describe('a job delivered twice', () => {
  let t: TestEnv;
  let other: Services;
  beforeAll(async () => {
    ({ t, peer: other } = await createCountingEnvWithPeer('readside_dup', 'll-test-readside-dup-b', { poolMax: 6 }));
  });
  afterAll(() => t?.cleanup());

  it('catchUp run twice, at once by two runners and again afterwards, applies each event once', async () => {
    const defs = [...projections, countingProjection()];
    const shop = await seedShop(t.services, { users: 6, products: 5 });
    await runCommands(t.services, shop, 120, { concurrency: 4 });
    const a = new ProjectionRunner(t.services.write, t.services.read, defs, testLog, { batchSize: 37 });
    const b = new ProjectionRunner(other.write, other.read, defs, testLog, { batchSize: 53 });
    await a.ensureCheckpoints();
    await b.ensureCheckpoints();

    // Every job delivered three times, two of them at the same moment to two different runners.
    await Promise.all(defs.flatMap((d) => [a.catchUp(d.name), b.catchUp(d.name), a.catchUp(d.name)]));
    await runCommands(t.services, shop, 40, { concurrency: 4, offset: 120 });
    await Promise.all(defs.flatMap((d) => [b.catchUp(d.name), a.catchUp(d.name)]));
    await settleByRunner(t, [a, b], defs);
    const before = await checkpointRows(t.services.read.sql);
    for (const d of defs) {
      expect(await a.catchUp(d.name)).toEqual({ kind: 'idle' });
      expect(await b.catchUp(d.name)).toEqual({ kind: 'idle' });
    }
    expect(await checkpointRows(t.services.read.sql)).toEqual(before);
    await expectAppliedOnceAndEqualToLog(t.services, defs);
  });

  it('duplicate BullMQ jobs (apply and relay) to a running worker change nothing', async () => {
    const defs = [...projections, countingProjection()];
    const worker = await startWorker(t.services, testLog, { projections: defs });
    try {
      const shop = await seedShop(t.services, { users: 4, products: 4 });
      const queues = t.services.queues();
      await runCommands(t.services, shop, 80, {
        concurrency: 3,
        offset: 500,
        onEach: async (i) => {
          if (i % 10 !== 0) return;
          await queues.byName[QUEUE.projections]!.addBulk(
            defs.flatMap((d) => Array.from({ length: 3 }, () => ({ name: 'apply', data: { kind: 'apply' as const, name: d.name } }))),
          );
          await queues.byName[QUEUE.relay]!.addBulk(Array.from({ length: 3 }, () => ({ name: 'relay', data: {} })));
        },
      });
      await settle(
        t.services.read.sql,
        defs.map((d) => d.name),
      );
      await expectAppliedOnceAndEqualToLog(t.services, defs);
    } finally {
      await worker.stop();
    }
  });
});

/** Catches up with the given runners until every projection is at the end of the log. */
async function settleByRunner(t: TestEnv, runners: ProjectionRunner[], defs: ProjectionDefinition[]) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await Promise.all(defs.map((d) => runners[0]!.catchUp(d.name)));
    try {
      await settle(
        t.services.read.sql,
        defs.map((d) => d.name),
        50,
      );
      return;
    } catch {
      // A transaction elsewhere on the server held the safe horizon back; go round again.
      if (Date.now() > deadline) throw new Error('projections did not reach the end of the log');
    }
  }
}

describe('a batch that throws half way', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createCountingEnv('readside_throw', { poolMax: 6 });
  });
  afterAll(() => t?.cleanup());

  it('rolls back what it wrote, applies the batch once, and keeps log order', async () => {
    // Each projection writes its first half, then throws — once.
    const halfway = (def: ProjectionDefinition, state: { armed: boolean; fired: number }): ProjectionDefinition => ({
      ...def,
      async applyBatch(tx, events) {
        if (state.armed && events.length >= 2) {
          state.armed = false;
          state.fired++;
          await def.applyBatch(tx, events.slice(0, Math.ceil(events.length / 2)));
          throw new Error(`injected: ${def.name} failed half way through a batch of ${events.length}`);
        }
        return def.applyBatch(tx, events);
      },
    });
    const states = new Map<string, { armed: boolean; fired: number }>();
    const failing = projections.map((d) => {
      const st = { armed: true, fired: 0 };
      states.set(d.name, st);
      return halfway(d, st);
    });
    const countingState = { armed: true, fired: 0 };
    const defs = [...failing, countingProjection({ failHalfway: countingState })];

    const shop = await seedShop(t.services, { users: 5, products: 5 });
    await runCommands(t.services, shop, 100, { concurrency: 4 });
    const runner = new ProjectionRunner(t.services.write, t.services.read, defs, testLog, { batchSize: 40, backoffMs: 0 });
    await runner.ensureCheckpoints();
    await settleByRunner(t, [runner], defs);

    expect(countingState.fired).toBe(1);
    for (const [name, st] of states) expect({ name, fired: st.fired }).toEqual({ name, fired: 1 });
    const cks = await checkpointRows(t.services.read.sql);
    for (const d of defs)
      expect({ name: d.name, failing: cks.get(d.name)!.failingAttempts, error: cks.get(d.name)!.lastError }).toEqual({
        name: d.name,
        failing: 0,
        error: null,
      });
    await expectAppliedOnceAndEqualToLog(t.services, defs);
  });

  it('an event that fails twice is retried from where it stopped: the events before it stay, none is applied twice', async () => {
    await t.services.read.sql`TRUNCATE applied_events`;
    const shop = await seedShop(t.services, { users: 3, products: 3 });
    const positions = await runCommands(t.services, shop, 30, { concurrency: 1, offset: 1000 });
    const target = positions[14]!;
    let failures = 0;
    // Fails for any batch holding `target`, twice: the batch, then the event on its own.
    const flaky = (def: ProjectionDefinition): ProjectionDefinition => ({
      ...def,
      async applyBatch(tx, events) {
        if (failures < 2 && events.some((e) => e.position === target)) {
          failures++;
          throw new Error(`injected: event ${target} failed`);
        }
        return def.applyBatch(tx, events);
      },
    });
    const counting = flaky(countingProjection({ name: 'counting_retry' }));
    const runner = new ProjectionRunner(t.services.write, t.services.read, [counting], testLog, {
      batchSize: 1000,
      maxAttempts: 3,
      backoffMs: 0,
    });
    await runner.ensureCheckpoints();
    // Other test files commit on the same cluster: an open transaction of theirs can hold the safe
    // horizon below `target`, and the first catch-up would then stop short of it. The horizon only
    // moves forward, so once it is past `target` the first catch-up meets the failing event.
    const [at] = await t.services.write.sql<{ tx: string }[]>`SELECT tx_id::text AS tx FROM events WHERE position = ${target}`;
    await eventually('the safe horizon to pass the failing event', async () => {
      const [h] = await t.services.write.sql<{ past: boolean }[]>`SELECT pg_snapshot_xmin(pg_current_snapshot()) > ${at!.tx}::xid8 AS past`;
      return !!h?.past;
    });
    const first = await runner.catchUp('counting_retry');
    expect(first.kind).toBe('retry');
    const ck = (await checkpointRows(t.services.read.sql)).get('counting_retry')!;
    expect(ck.failingAttempts).toBe(1);
    expect(ck.lastError).toContain(`event ${target} failed`);
    // The events before the failing one were kept; the failing one and those after it were not.
    const [seen] = await t.services.read.sql<{ before: string; at_or_after: string }[]>`
      SELECT count(*) FILTER (WHERE position < ${target}) AS before, count(*) FILTER (WHERE position >= ${target}) AS at_or_after FROM applied_events`;
    expect(Number(seen!.before)).toBeGreaterThan(0);
    expect(Number(seen!.at_or_after)).toBe(0);

    const second = await runner.catchUp('counting_retry');
    expect(second.kind).toBe('applied');
    expect(failures).toBe(2);
    // A transaction elsewhere on the cluster may hold the safe horizon behind the last events.
    await settleByRunner(t, [runner], [counting]);
    expect(failures).toBe(2);
    expect(await countingReport(t.services.read.sql)).toEqual(exactlyOnce);
    const after = (await checkpointRows(t.services.read.sql)).get('counting_retry')!;
    expect({ failing: after.failingAttempts, error: after.lastError, status: after.status }).toEqual({
      failing: 0,
      error: null,
      status: 'running',
    });
  });
});

describe('Redis flushed mid-stream', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createCountingEnv('readside_flush', { poolMax: 8 });
  });
  afterAll(() => t?.cleanup());

  it('every key of the prefix deleted twice while commands flow: the worker resumes from Postgres, nothing lost or doubled', async () => {
    const defs = [...projections, countingProjection()];
    const worker = await startWorker(t.services, testLog, { projections: defs, sweepMs: 500 });
    try {
      const shop = await seedShop(t.services, { users: 6, products: 5 });
      let flushes = 0;
      await runCommands(t.services, shop, 240, {
        concurrency: 3,
        onEach: async (i) => {
          if (i !== 60 && i !== 150) return;
          const keys = await t.services.redis.keys(`${t.prefix}:*`);
          expect(keys.length).toBeGreaterThan(0);
          // Queues, jobs, locks and cached answers all go (the running worker starts re-creating some at once).
          await deleteKeys(t.services.redisUrl, t.prefix);
          flushes++;
        },
      });
      expect(flushes).toBe(2);
      await settle(
        t.services.read.sql,
        defs.map((d) => d.name),
      );
      await expectAppliedOnceAndEqualToLog(t.services, defs);
    } finally {
      await worker.stop();
    }
  });
});
