/**
 * On every commit the relay runs and each consumer probes, reads and advances. What those
 * statements read of the log must not grow with the log: from a checkpoint near its end they read
 * a few index entries, whatever Postgres's statistics say (checked on a freshly loaded log, before
 * any ANALYZE, and again after one). Left to the planner, four of them read the whole log or every
 * event of a type (a sequential scan, or the (type, position) index) before the first ANALYZE, and
 * the probe did so even after: the delay before a write showed grew with the log (160,000 events:
 * the relay's advance 256 ms, its checkpoint read 31 ms, a probe 24–32 ms, a read 19 ms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { probeStatement, ProjectionRunner } from '@/server/readside/projection-runner';
import { advanceIdleStatement, relayCheckpointStatement } from '@/server/readside/relay';
import { eventsAfterStatement, safeHorizon } from '@/server/readside/log';
import { projections } from '@/server/projections/registry';
import { insertSyntheticLog } from '@/testkit/event-log';
import { createTestEnv, type TestEnv } from './support/harness';
import { logEnd, testLog, untilHorizonPassesLog } from './support/readside';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('probe_plan');
  // No autovacuum ANALYZE behind the test's back: the first checks run on the statistics of an empty table.
  await t.services.write.sql`ALTER TABLE events SET (autovacuum_enabled = false)`;
  await insertSyntheticLog(t.services.write.sql, { orders: 6000, users: 600, products: 40, start: '2025-03-01T00:00:00Z', days: 30 });
  await new ProjectionRunner(t.services.read, t.services.write, projections, testLog).ensureCheckpoints();
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
/** Rows of `events` a statement read (returned by its scans or filtered out), from EXPLAIN ANALYZE, and its scan nodes. */
async function eventsRead(statement: SQL, generic: boolean): Promise<{ rows: number; scans: string[] }> {
  // In a transaction rolled back after: EXPLAIN ANALYZE runs the statement, and the advance writes.
  let plan: PlanNode | undefined;
  await t.services.read.db
    .transaction(async (tx) => {
      // A prepared statement run often gets Postgres's generic plan, made without the values of its parameters.
      if (generic) await tx.execute(sql`SET LOCAL plan_cache_mode = force_generic_plan`);
      const [row] = await tx.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(sql`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`);
      plan = row!['QUERY PLAN'][0].Plan;
      tx.rollback();
    })
    .catch((err: unknown) => {
      if (!plan) throw err;
    });
  let read = 0;
  const scans: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Relation Name'] === 'events') {
      read += (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * n['Actual Loops'];
      scans.push(n['Node Type']);
    }
    n.Plans?.forEach(walk);
  };
  walk(plan!);
  return { rows: read, scans };
}

const moveAllTo = (p: { txId: bigint; position: number }) =>
  t.services.read
    .sql`UPDATE projection_checkpoints SET tx_id = ${p.txId.toString()}::xid8, position = ${p.position} WHERE name <> '$relay'`;

async function checkAll(stage: string) {
  const near = (await logEnd(t.services.write.sql, 20))!;
  const end = (await logEnd(t.services.write.sql))!;
  await moveAllTo(near);
  const horizon = await safeHorizon(t.services.write.db);
  const routes = JSON.stringify(projections.map((p) => ({ name: p.name, types: p.handles })));
  const statements: [string, SQL][] = [
    ['probe', probeStatement('order_summary')],
    ['relay checkpoint', relayCheckpointStatement()],
    ['advance of idle consumers', advanceIdleStatement(routes, end)],
    ['read of user_search', eventsAfterStatement(near, horizon, ['UserCreated', 'UserEmailUpdated'], 5000)],
    ['read of order_summary', eventsAfterStatement(near, horizon, orderSummaryTypes(), 5000)],
  ];
  for (const generic of [false, true])
    for (const [what, statement] of statements) {
      const r = await eventsRead(statement, generic);
      const label = `${stage}, ${generic ? 'generic' : 'custom'} plan: ${what}`;
      expect(r.scans, label).not.toContain('Seq Scan');
      // 20 events from the end, one index entry for the probe and the relay; the advance reads each consumer's range once.
      expect(r.rows, `${label} read ${r.rows} events (${r.scans.join(', ')})`).toBeLessThanOrEqual(
        what.startsWith('advance') ? 21 * projections.length : 21,
      );
    }
}
const orderSummaryTypes = () => projections.find((p) => p.name === 'order_summary')!.handles;

describe('what the read side reads of the log per commit', () => {
  it('does not grow with the log: a few index entries from a checkpoint near its end, before and after ANALYZE', async () => {
    const [{ n }] = (await t.services.write.sql`SELECT count(*)::int AS n FROM events`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(20_000);
    await checkAll('before ANALYZE');
    await t.services.write.sql`ANALYZE events`;
    await checkAll('after ANALYZE');
  });

  it("the probe: nothing past a caught-up consumer's checkpoint, something past one behind", async () => {
    await moveAllTo((await logEnd(t.services.write.sql))!);
    const [idle] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(idle!.more).toBe(false);
    await moveAllTo((await logEnd(t.services.write.sql, 1000))!);
    await untilHorizonPassesLog(t.services.read.sql); // other tests' transactions on this server hold the horizon back meanwhile
    const [more] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(more!.more).toBe(true);
  });

  it('the probe says nothing is past the checkpoint while the only later events are above the safe horizon', async () => {
    await moveAllTo((await logEnd(t.services.write.sql))!);
    // An open transaction holds the horizon at its id; what is appended after it is past the checkpoint but not below the horizon.
    const held = await t.services.write.sql.reserve();
    try {
      await held`BEGIN`;
      await held`SELECT pg_current_xact_id()`;
      await t.services.write.sql`INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        VALUES (gen_random_uuid(), 'probe-test', 1, 'UserLoggedIn', 1, '{}'::jsonb, '{}'::jsonb, now())`;
      const [r] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
      expect(r!.more).toBe(false);
    } finally {
      await held`ROLLBACK`;
      held.release();
    }
    await untilHorizonPassesLog(t.services.read.sql);
    const [r] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(r!.more).toBe(true);
  });
});
