/**
 * A rebuild reads and applies the log in batches of thousands of events, so what it sends Postgres
 * per batch, besides the read and the projection's own statements, is its floor: here the
 * transaction, one statement that locks the shadow's checkpoint (taking the horizon and setting the
 * search_path with it) and one that moves the checkpoint. Progress is written twice a second and
 * after the last batch, not after every batch, and a batch that is not full ends the loop (the swap
 * reads what came after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { orderSummaryProjection } from '@/server/projections/order-summary';
import { projections } from '@/server/projections/registry';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { rebuildProjection } from '@/server/readside/rebuild';
import { insertSyntheticLog } from '@/testkit/event-log';
import { createTestEnv, recordingHandle, type TestEnv } from './support/harness';
import { testLog, untilHorizonPassesLog } from './support/readside';

let t: TestEnv;
let h: DbHandle;
let sent: string[] = [];
beforeAll(async () => {
  t = await createTestEnv('rebuild_round_trips');
  ({ h, sent } = recordingHandle(t, 'll-test-rebuild-round-trips'));
  await insertSyntheticLog(t.services.write.sql, { orders: 4000, users: 400, products: 40, start: '2025-03-01T00:00:00Z', days: 30 });
  await new ProjectionRunner(h, h, projections, testLog).ensureCheckpoints();
}, 120_000);
afterAll(async () => {
  await h?.close();
  await t?.cleanup();
});

describe("a rebuild's round trips", () => {
  it('per batch: begin, the checkpoint, the read, the projection, the checkpoint again, commit', { timeout: 120_000 }, async () => {
    // Every event of the log below the horizon, so one pass reads them all (see the helper).
    await untilHorizonPassesLog(t.services.read.sql);
    sent.length = 0;
    const started = performance.now();
    const { events } = await rebuildProjection(h, h, orderSummaryProjection, testLog);
    const ms = performance.now() - started;
    const isRead = (q: string) => /FROM events\s+WHERE \(tx_id, position\) >/.test(q);
    const isApply = (q: string) => /^\s*(INSERT INTO|UPDATE) order_summaries/.test(q);
    // Every batch was full but the last, which ended the loop; the swap read once more.
    expect(events).toBeGreaterThan(3 * 5000);
    expect(sent.filter(isRead).length).toBe(Math.ceil(events / 5000) + 1);
    // The batches' transactions: begin … commit around a read and the projection's statements.
    const batches: string[][] = [];
    let open: string[] | null = null;
    for (const q of sent) {
      if (/^begin/.test(q)) batches.push((open = []));
      open?.push(q);
      if (/^commit/.test(q)) open = null;
    }
    const loop = batches.filter((b) => b.some(isRead) && b.some(isApply));
    expect(loop.length).toBe(Math.ceil(events / 5000));
    for (const b of loop)
      expect(b.filter((q) => !isRead(q) && !isApply(q)).map((q) => q.trim().split(/\s+/)[0])).toEqual([
        'begin',
        'SELECT',
        'UPDATE',
        'commit',
      ]);
    // Progress: at the start, at most twice a second, and after the last batch.
    const progress = sent.filter((q) => /UPDATE projection_checkpoints SET rebuild =/.test(q)).length;
    expect(progress).toBeLessThanOrEqual(2 + Math.ceil(ms / 500));
  });
});
