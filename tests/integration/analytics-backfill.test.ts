/**
 * Adding the analytics projections to an installation that already has a log: started after the
 * log was written they backfill it (a new projection starts at the beginning of the log, and a
 * version bump rebuilds it through the normal versioned rebuild), and both give exactly the rows
 * that applying the same events live, as they were written, gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { orderFactsProjection } from '@/server/projections/order-facts';
import { productSalesProjection } from '@/server/projections/product-sales';
import { cohortsProjection } from '@/server/projections/cohorts';
import { inventoryProjection } from '@/server/projections/inventory';
import { analyticsProjection } from '@/server/projections/analytics';
import type { ProjectionDefinition } from '@/server/projections/types';
import { startWorker } from '@/server/readside/worker';
import { insertSyntheticLog } from '@/testkit/event-log';
import { createTestEnv, type TestEnv } from './support/harness';
import { checkpointRows, settle, testLog } from './support/readside';

const added = [orderFactsProjection, productSalesProjection, cohortsProjection];
const tables = added.flatMap((p) => p.tables);
/** A deterministic log (ids derived from names, fixed times): the same in both databases. */
const LOG = { orders: 1500, users: 300, products: 40, start: '2025-03-01T00:00:00Z', days: 70, chunkOrders: 100 };

async function snapshot(sql: postgres.Sql) {
  const out: Record<string, string[]> = {};
  for (const t of tables)
    out[t] = (await sql.unsafe<{ j: string }[]>(`SELECT to_jsonb(x)::text AS j FROM "${t}" x ORDER BY 1`)).map((r) => r.j);
  return out;
}

let live: TestEnv;
let backfilled: TestEnv;
beforeAll(async () => {
  [live, backfilled] = await Promise.all([createTestEnv('analytics_backfill_live'), createTestEnv('analytics_backfill_later')]);
}, 60_000);
afterAll(async () => {
  await Promise.all([live?.cleanup(), backfilled?.cleanup()]);
});

describe('backfilling the analytics projections', () => {
  it('a log loaded first, then the projections started, gives the rows of applying the events live', { timeout: 240_000 }, async () => {
    // Live: the worker runs while the log is written, one chunk of orders per transaction.
    const liveWorker = await startWorker(live.services, testLog);
    try {
      await insertSyntheticLog(live.services.write.sql, LOG);
      await settle(
        live.services.read.sql,
        added.map((p) => p.name),
        120_000,
      );
    } finally {
      await liveWorker.stop();
    }
    const expected = await snapshot(live.services.read.sql);
    expect(expected.order_facts!.length).toBe(LOG.orders);
    expect(expected.cohort_customers!.length).toBe(LOG.users);
    expect(expected.product_daily!.length).toBeGreaterThan(LOG.products);

    // An installation from before these projections: the log is there, and the older read models.
    const s = backfilled.services;
    await insertSyntheticLog(s.write.sql, LOG);
    const before = await startWorker(s, testLog, { projections: [inventoryProjection, analyticsProjection] });
    try {
      await settle(s.read.sql, ['inventory', 'analytics'], 120_000);
    } finally {
      await before.stop();
    }
    expect((await checkpointRows(s.read.sql)).has('order_facts')).toBe(false);
    expect(Object.values(await snapshot(s.read.sql)).every((rows) => rows.length === 0)).toBe(true);

    // The new release starts: the new projections fill themselves from the whole log.
    const upgraded = await startWorker(s, testLog, { projections: [inventoryProjection, analyticsProjection, ...added] });
    try {
      await settle(
        s.read.sql,
        added.map((p) => p.name),
        120_000,
      );
    } finally {
      await upgraded.stop();
    }
    expect(await snapshot(s.read.sql)).toEqual(expected);

    // A later version of each rebuilds through the versioned rebuild (shadow tables, swap) to the same rows.
    const bumped: ProjectionDefinition[] = added.map((p) => ({ ...p, version: p.version + 1 }));
    const rebuilt = await startWorker(s, testLog, { projections: [inventoryProjection, analyticsProjection, ...bumped] });
    try {
      await settle(
        s.read.sql,
        added.map((p) => p.name),
        120_000,
      );
    } finally {
      await rebuilt.stop();
    }
    const cks = await checkpointRows(s.read.sql);
    expect(added.map((p) => cks.get(p.name)?.status)).toEqual(['running', 'running', 'running']);
    const [versions] = await s.read.sql<
      { v: number[] }[]
    >`SELECT array_agg(version ORDER BY name) AS v FROM projection_checkpoints WHERE name = ANY(${added.map((p) => p.name)})`;
    expect(versions!.v).toEqual([2, 2, 2]);
    expect(await snapshot(s.read.sql)).toEqual(expected);
  });
});
