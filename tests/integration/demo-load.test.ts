import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@/server/demo/plan';
import { loadDemo } from '@/server/demo/load';
import { revenueBetween } from '@/server/queries/reports';
import { createTestEnv, serverEnv, type TestEnv } from './support/harness';
import { root } from './support/server';
import { expectSagaLeavesHistoryAlone, writeModelSnapshot } from './support/history';

let t: TestEnv;
const size = { days: 7, users: 40, orders: 100, seed: 'demo-test' };

beforeAll(async () => {
  t = await createTestEnv('demo_load');
});
afterAll(async () => {
  await t?.cleanup();
});

const count = async (where = sql`true`) => {
  const [row] = await t.services.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events WHERE ${where}`);
  return row!.n;
};

describe('demo load', () => {
  it('writes a week of users, products, orders, declines and sold-out orders at past times, through the commands', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const result = await loadDemo(t.services.write.db, { ...size, concurrency: 4, out: (l) => lines.push(l), progressEvery: 50 });
    expect(result.loaded).toBe(true);

    const byType = Object.fromEntries(
      (
        await t.services.write.db.execute<{ type: string; n: number }>(sql`
      SELECT type, count(*)::int AS n FROM events GROUP BY type`)
      ).map((r) => [r.type, r.n]),
    );
    expect(byType).toMatchObject({
      ProductCreated: 40,
      UserCreated: 40,
      OrderPlaced: 100,
      PaymentFailed: 6,
      InventoryUnavailable: 3,
      PaymentRefunded: 3,
      OrderCancelled: 9,
      OrderCompleted: 91,
    });
    expect(byType.UserLoggedIn).toBeGreaterThan(0);

    const reasons = await t.services.write.db.execute<{ reason: string; n: number }>(sql`
      SELECT data->>'reason' AS reason, count(*)::int AS n FROM events WHERE type = 'OrderCancelled' GROUP BY 1 ORDER BY 1`);
    expect([...reasons]).toEqual([
      { reason: 'out_of_stock', n: 3 },
      { reason: 'payment_failed', n: 6 },
    ]);

    // Spread over the past week, none in the future.
    const [span] = await t.services.write.db.execute<{ first: string; last: string; days: number }>(sql`
      SELECT min(occurred_at) AS first, max(occurred_at) AS last, count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date)::int AS days
      FROM events WHERE type IN ('UserCreated', 'OrderPlaced')`);
    expect(new Date(span!.first).getTime()).toBeGreaterThanOrEqual(started - 7 * DAY_MS);
    expect(new Date(span!.last).getTime()).toBeLessThanOrEqual(Date.now());
    expect(span!.days).toBeGreaterThanOrEqual(6);

    // The write model agrees with the log: stock is opening stock + restocks − what completed orders took.
    const [stock] = await t.services.write.db.execute<{ on_hand: number; reserved: number; expected: number }>(sql`
      SELECT (SELECT sum(on_hand) FROM products)::int AS on_hand, (SELECT sum(reserved) FROM products)::int AS reserved,
        ((SELECT sum((data->>'stock')::int) FROM events WHERE type = 'ProductCreated')
         + (SELECT COALESCE(sum((data->>'quantity')::int), 0) FROM events WHERE type = 'InventoryRestocked')
         - (SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = 'completed'))::int AS expected`);
    expect(stock).toEqual({ on_hand: stock!.expected, reserved: 0, expected: stock!.expected });
    const statuses = await t.services.write.db.execute<{ status: string; n: number }>(
      sql`SELECT status, count(*)::int AS n FROM orders GROUP BY 1 ORDER BY 1`,
    );
    expect([...statuses]).toEqual([
      { status: 'cancelled', n: 9 },
      { status: 'completed', n: 91 },
    ]);

    expect(lines.some((l) => /^users 40\/40/.test(l))).toBe(true);
    expect(lines.some((l) => /^activity 50\/\d+/.test(l))).toBe(true);
  });

  it('is projected like live traffic, and the live saga leaves every historical order alone', async () => {
    await expectSagaLeavesHistoryAlone(t, 'system:demo');
    const days = await revenueBetween(t.services, {
      from: new Date(Date.now() - 8 * DAY_MS).toISOString().slice(0, 10),
      to: new Date().toISOString().slice(0, 10),
    });
    const [completed] = await t.services.write.db.execute<{ n: number; cents: number }>(
      sql`SELECT count(*)::int AS n, sum(total_cents)::float8 AS cents FROM orders WHERE status = 'completed'`,
    );
    expect(days.reduce((s, d) => s + d.completedCount, 0)).toBe(91);
    expect(days.reduce((s, d) => s + d.revenueCents, 0)).toBe(completed!.cents);
    expect(days.filter((d) => d.completedCount > 0).length).toBeGreaterThanOrEqual(6);
  });

  it('run again with the same seed, adds nothing', async () => {
    const before = await count();
    const again = await loadDemo(t.services.write.db, { ...size, concurrency: 4 });
    expect(again).toMatchObject({ loaded: true, newEvents: 0 });
    expect(await count()).toBe(before);
  });

  it('from the CLI with --if-empty, leaves a database that has events alone', async () => {
    const before = await count();
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['cli/main.ts', 'demo', 'load', '--days', '7', '--users', '10', '--seed', 'another', '--if-empty'],
      { cwd: root, env: { ...process.env, ...serverEnv(t) } },
    );
    expect(stdout).toContain('not empty');
    expect(await count()).toBe(before);
  });

  it('in batches writes exactly what the commands one by one write: events, versions, rows and command results', async () => {
    const [alone, batched] = await Promise.all([createTestEnv('demo_alone'), createTestEnv('demo_batched')]);
    try {
      const end = new Date('2026-11-02T12:00:00Z');
      // One by one, one at a time, in plan order; batches of an odd size, so that they cut across phases and users.
      await loadDemo(alone.services.write.db, { ...size, end, batchSize: 1, concurrency: 1 });
      const progress: [number, number][] = [];
      await loadDemo(batched.services.write.db, {
        ...size,
        end,
        batchSize: 37,
        onProgress: (done, total) => {
          progress.push([done, total]);
        },
      });
      const [one, many] = await Promise.all([writeModelSnapshot(alone.services.write.db), writeModelSnapshot(batched.services.write.db)]);
      expect((many as { events: unknown[] }).events.length).toBeGreaterThan(400);
      expect(many).toEqual(one);

      // Progress counts the events the plan writes, from 0 to all of them.
      const events = (many as { events: unknown[] }).events.length;
      expect(progress[0]).toEqual([0, events]);
      expect(progress.at(-1)).toEqual([events, events]);
      expect(progress.every(([done], i) => i === 0 || done > progress[i - 1]![0])).toBe(true);
    } finally {
      await Promise.all([alone.cleanup(), batched.cleanup()]);
    }
  });
});
