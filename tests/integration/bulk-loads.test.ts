import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '@/server/demo/load';
import { BulkLoadRecord, reportProgress } from '@/server/importer/bulk-load';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { bulkLoads } from '@/db/schema';
import { callerFor, createTestEnv, serverEnv, type TestEnv } from './support/harness';
import { root } from './support/server';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('bulk_loads');
});
afterAll(async () => {
  await t?.cleanup();
});

describe('ops.loads', () => {
  it('shows a demo load running with its percentage while it writes, and finished after', async () => {
    const caller = await callerFor(t.services, 'analyst');
    const record = new BulkLoadRecord(t.services.write.db, 'demo');
    const lines: string[] = [];
    const report = reportProgress(record, 'demo history', (l) => lines.push(l));
    const seen: { percent: number; running: boolean; doneEvents: number; totalEvents: number }[] = [];
    const week = { days: 5, users: 30, orders: 60, seed: 'loads-test', batchSize: 40 };
    await loadDemo(t.services.write.db, {
      ...week,
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
    expect((await caller.ops.loads({})).data.find((l) => l.name === 'failed')).toMatchObject({
      running: false,
      failure: 'Not enough stock',
    });
  });

  it("npm run setup's `demo load --if-empty` resumes a demo load that was interrupted, instead of leaving half a history", async () => {
    const own = await createTestEnv('bulk_resume');
    try {
      const { db } = own.services.write;
      const size = ['--days', '3', '--users', '12', '--orders', '20', '--seed', 'resume-test'];
      // Interrupted after its first batch: the products are there, nothing else.
      const sameAsTheCli = { days: 3, users: 12, orders: 20, seed: 'resume-test', batchSize: 500 };
      const record = new BulkLoadRecord(db, 'demo');
      const report = reportProgress(record, 'demo history', () => {});
      await expect(
        loadDemo(db, {
          ...sameAsTheCli,
          onProgress: async (done, total) => {
            await report(done, total);
            if (done > 0) throw new Error('interrupted');
          },
        }),
      ).rejects.toThrow('interrupted');
      const [partial] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
      expect(partial!.n).toBeGreaterThan(0);

      const run = () =>
        promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsx'), ['cli/main.ts', 'demo', 'load', ...size, '--if-empty'], {
          cwd: root,
          env: { ...process.env, ...serverEnv(own) },
        });
      const { stdout } = await run();
      expect(stdout).toContain('did not finish: resuming it');
      const [row] = await db.select().from(bulkLoads);
      const [after] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
      expect(row).toMatchObject({ name: 'demo', doneEvents: row!.totalEvents, failure: null });
      expect(row!.finishedAt).not.toBeNull();
      expect(after!.n).toBe(row!.totalEvents);

      // Finished: the next --if-empty leaves it alone.
      expect((await run()).stdout).toContain('not empty');
    } finally {
      await own.cleanup();
    }
  });
});
