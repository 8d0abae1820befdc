import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '@/server/demo/load';
import { BulkLoadRecord, reportProgress } from '@/server/importer/bulk-load';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';

let t: TestEnv;
beforeAll(async () => { t = await createTestEnv('bulk_loads'); });
afterAll(async () => { await t?.cleanup(); });

describe('ops.loads', () => {
  it('shows a demo load running with its percentage while it writes, and finished after', async () => {
    const caller = await callerFor(t.services, 'analyst');
    const record = new BulkLoadRecord(t.services.write.db, 'demo');
    const lines: string[] = [];
    const report = reportProgress(record, 'demo history', (l) => lines.push(l));
    const seen: { percent: number; running: boolean; doneEvents: number; totalEvents: number }[] = [];
    await loadDemo(t.services.write.db, {
      days: 5, users: 30, orders: 60, seed: 'loads-test', batchSize: 40,
      onProgress: async (done, total) => {
        await report(done, total);
        seen.push((await caller.ops.loads({})).data[0]!);
      },
    });
    await record.finish();

    const [events] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
    const total = events!.n;
    expect(seen[0]).toMatchObject({ running: true, percent: 0, doneEvents: 0, totalEvents: total });
    const middle = seen.filter((s) => s.percent > 0 && s.percent < 100);
    expect(middle.length).toBeGreaterThan(1);
    expect(middle.every((s) => s.running && s.percent === Math.floor((s.doneEvents / total) * 100))).toBe(true);
    expect(seen.at(-1)).toMatchObject({ percent: 100, doneEvents: total });

    const [after] = (await caller.ops.loads({})).data;
    expect(after).toMatchObject({ name: 'demo', running: false, percent: 100, failure: null });
    expect(after!.finishedAt).not.toBeNull();
    expect(lines[0]).toBe(`Loading demo history: 0 % (0/${total} events)`);
    expect(lines.at(-1)).toBe(`Loading demo history: 100 % (${total}/${total} events)`);
  });

  it('does not show a load as running once its process has gone quiet, and keeps why one failed', async () => {
    const caller = await callerFor(t.services, 'analyst');
    const record = new BulkLoadRecord(t.services.write.db, 'stuck');
    await record.start(1000);
    await record.progress(420);
    expect((await caller.ops.loads({})).data.find((l) => l.name === 'stuck')).toMatchObject({ running: true, percent: 42 });
    await t.services.write.db.execute(sql`UPDATE bulk_loads SET updated_at = now() - interval '10 minutes' WHERE name = 'stuck'`);
    expect((await caller.ops.loads({})).data.find((l) => l.name === 'stuck')).toMatchObject({ running: false, finishedAt: null });

    const failed = new BulkLoadRecord(t.services.write.db, 'failed');
    await failed.start(10);
    await failed.finish('Not enough stock');
    expect((await caller.ops.loads({})).data.find((l) => l.name === 'failed')).toMatchObject({ running: false, failure: 'Not enough stock' });
  });
});
