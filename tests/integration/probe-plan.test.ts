/**
 * Every signal makes each consumer probe whether an event lies past its checkpoint below the safe
 * horizon (server/readside/projection-runner.ts, probeStatement). The probe must cost the same
 * whatever the size of the log: it reads the (tx_id, position) index from the checkpoint on, and a
 * caught-up consumer (the common case) reads nothing of the log. Planned as a sequential scan, it
 * read the whole log on every signal: the delay before a write showed grew with the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { probeStatement, ProjectionRunner } from '@/server/readside/projection-runner';
import { projections } from '@/server/projections/registry';
import { insertSyntheticLog } from '@/testkit/event-log';
import { createTestEnv, type TestEnv } from './support/harness';
import { testLog } from './support/readside';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('probe_plan');
  await insertSyntheticLog(t.services.write.sql, { orders: 6000, users: 600, products: 40, start: '2025-03-01T00:00:00Z', days: 30 });
  await new ProjectionRunner(t.services.read, t.services.write, projections, testLog).ensureCheckpoints();
  await t.services.write.sql`ANALYZE events`;
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
  Plans?: PlanNode[];
}
/** Rows of `events` the probe read (returned or filtered out), from EXPLAIN ANALYZE, and its scan nodes. */
async function eventsRead(name: string): Promise<{ rows: number; scans: string[] }> {
  const [row] = await t.services.read.db.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    sql`EXPLAIN (ANALYZE, FORMAT JSON) ${probeStatement(name)}`,
  );
  let rows = 0;
  const scans: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Relation Name'] === 'events') {
      rows += (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'];
      scans.push(n['Node Type']);
    }
    n.Plans?.forEach(walk);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return { rows, scans };
}

const moveTo = (name: string, where: 'start' | 'end') =>
  t.services.read.sql.unsafe(
    `UPDATE projection_checkpoints c SET tx_id = e.tx_id, position = e.position
     FROM (SELECT tx_id, position FROM events ORDER BY tx_id ${where === 'end' ? 'DESC' : 'ASC'}, position ${where === 'end' ? 'DESC' : 'ASC'} LIMIT 1) e
     WHERE c.name = $1`,
    [name],
  );

describe("a consumer's probe", () => {
  it('reads no event of the log when the consumer is caught up, and one when it is behind', async () => {
    const [{ n }] = (await t.services.write.sql`SELECT count(*)::int AS n FROM events`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(20_000);

    await moveTo('order_summary', 'end');
    const caughtUp = await eventsRead('order_summary');
    expect(caughtUp.scans).not.toContain('Seq Scan');
    expect(caughtUp.rows).toBe(0);
    const [idle] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(idle!.more).toBe(false);

    await moveTo('order_summary', 'start');
    const behind = await eventsRead('order_summary');
    expect(behind.scans).not.toContain('Seq Scan');
    expect(behind.rows).toBe(1);
    const [more] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(more!.more).toBe(true);
  });

  it('says nothing is past the checkpoint while the only later events are above the safe horizon', async () => {
    await moveTo('order_summary', 'end');
    // An open transaction holds the horizon at its id; what it appends is past the checkpoint but not below the horizon.
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
    const [r] = await t.services.read.db.execute<{ more: boolean }>(probeStatement('order_summary'));
    expect(r!.more).toBe(true);
  });
});
