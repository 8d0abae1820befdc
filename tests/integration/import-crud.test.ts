import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { postgresAt } from '@/db/postgres-at';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '@/server/env';
import { Rng } from '@/server/demo/rng';
import { importCrud } from '@/server/importer/crud';
import { registrationsBetween, revenueBetween } from '@/server/queries/reports';
import type { Db } from '@/db/client';
import { createTestEnv, dropDatabase, serverEnv, type TestEnv } from './support/harness';
import { root } from './support/server';
import { expectSagaLeavesHistoryAlone } from './support/history';

const DAY = 86_400_000;
/** The DDL documented in docs/crud-import.md: the test builds its legacy database from the doc itself. */
const ddl = /```sql\n([\s\S]*?)```/.exec(readFileSync(path.join(root, 'docs/crud-import.md'), 'utf8'))![1]!;

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A legacy shop with a few hundred rows, random but seeded. */
async function buildLegacy(name: string, fill: (sql: postgres.Sql) => Promise<void>): Promise<{ url: string; dbName: string }> {
  const dbName = `ll_test_${name}_${randomBytes(4).toString('hex')}`;
  const admin = postgresAt(withDatabase(env().DATABASE_URL, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(env().DATABASE_URL, dbName);
  const legacy = postgresAt(url, { max: 1, onnotice: () => {} });
  try {
    await legacy.unsafe(ddl);
    await fill(legacy);
  } finally {
    await legacy.end();
  }
  return { url, dbName };
}

async function fillShop(db: postgres.Sql) {
  const rng = new Rng('legacy-shop');
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY - rng.int(0, DAY - 1));
  const users = Array.from({ length: 150 }, (_, i) => ({
    email: `customer${i}@legacy.example`,
    name: `Customer ${i}`,
    created_at: at(rng.int(20, 60)),
  }));
  await db`INSERT INTO users ${db(users)}`;
  const products = Array.from({ length: 25 }, (_, i) => ({
    sku: `SKU-${i}`,
    name: `Product ${i}`,
    price_cents: rng.int(5, 200) * 100,
    stock: rng.int(0, 40),
    created_at: at(61),
  }));
  await db`INSERT INTO products ${db(products)}`;
  const statuses = ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'cancelled', 'pending', 'refunded'];
  for (let i = 0; i < 400; i++) {
    const userId = rng.int(1, 150);
    const created = new Date(users[userId - 1]!.created_at.getTime() + rng.int(1, 15) * DAY + rng.int(0, DAY - 1));
    const updated = new Date(created.getTime() + rng.int(0, 3 * DAY));
    const lines = new Map<number, { quantity: number; unit_price_cents: number }>();
    for (let n = rng.int(1, 3); lines.size < n;) {
      const p = rng.int(1, 25);
      // Sold at what it cost then: up to 20% below today's price.
      lines.set(p, { quantity: rng.int(1, 4), unit_price_cents: Math.round(products[p - 1]!.price_cents * (0.8 + 0.2 * rng.next())) });
    }
    const total = [...lines.values()].reduce((s, l) => s + l.quantity * l.unit_price_cents, 0);
    const [order] = await db<{ id: string }[]>`INSERT INTO orders (user_id, status, total_cents, created_at, updated_at)
      VALUES (${userId}, ${rng.pick(statuses)}, ${total}, ${created}, ${updated}) RETURNING id`;
    await db`INSERT INTO order_items ${db([...lines].map(([product_id, l]) => ({ order_id: order!.id, product_id, ...l })))}`;
  }
}

async function eventCount(db: Db) {
  const [row] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
  return row!.n;
}

/** What an import leaves in the write model and the log, independent of generated user and product ids. */
async function outcome(db: Db) {
  const q = async (query: ReturnType<typeof sql>) => [...(await db.execute<Record<string, unknown>>(query))];
  return {
    events: await q(
      sql`SELECT type, count(*)::int AS n, min(occurred_at)::text AS first, max(occurred_at)::text AS last FROM events GROUP BY type ORDER BY type`,
    ),
    users: await q(sql`SELECT email, name, created_at::text, version FROM users ORDER BY email`),
    products: await q(sql`SELECT sku, price_cents, on_hand, reserved, created_at::text FROM products ORDER BY sku`),
    orders: await q(sql`SELECT o.id, u.email, o.status, o.cancel_reason, o.total_cents, o.placed_at::text, o.updated_at::text, o.version,
        (SELECT json_agg(json_build_array(p.sku, l.quantity, l.unit_price_cents) ORDER BY l.line_no) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS lines
      FROM orders o JOIN users u ON u.id = o.user_id ORDER BY o.id`),
  };
}

let legacy: { url: string; dbName: string };
let t: TestEnv;
const created: string[] = [];

beforeAll(async () => {
  legacy = await buildLegacy('import_legacy', fillShop);
  created.push(legacy.dbName);
  t = await createTestEnv('import_crud');
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
  for (const name of created) await dropDatabase(env().DATABASE_URL, name);
});

describe('import crud', () => {
  it('imports the legacy shop; once projected, reports and profiles match SQL over the legacy tables', async () => {
    const lines: string[] = [];
    // Pages of 64 rows: the paging and the per-page lookup of earlier work are exercised too.
    const report = await importCrud(t.services.write.db, legacy.url, { concurrency: 4, pageSize: 64, out: (l) => lines.push(l) });
    const src = postgresAt(legacy.url, { max: 1, onnotice: () => {} });
    try {
      const [n] = await src<{ completed: number; cancelled: number; other: number }[]>`
        SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
          count(*) FILTER (WHERE status NOT IN ('completed', 'cancelled'))::int AS other FROM orders`;
      expect(report.failures).toEqual([]);
      expect(report.users).toMatchObject({ total: 150, imported: 150, failed: 0 });
      expect(report.products).toMatchObject({ total: 25, imported: 25, failed: 0 });
      expect(report.orders).toMatchObject({ total: 400, imported: n!.completed + n!.cancelled, skipped: n!.other, failed: 0 });
      expect(report.totalMismatches).toBe(0);
      expect(lines.some((l) => /^orders 50\/400/.test(l))).toBe(true);

      // A worker with the live saga: it builds the read models and must leave the history alone.
      await expectSagaLeavesHistoryAlone(t, 'system:import');

      const from = new Date(Date.now() - 70 * DAY).toISOString().slice(0, 10);
      const to = new Date(Date.now() + DAY).toISOString().slice(0, 10);
      const revenue = await revenueBetween(t.services, { from, to });
      const legacyRevenue = await src<{ day: string; n: number; cents: number }[]>`
        SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n, sum(total_cents)::float8 AS cents
        FROM orders WHERE status = 'completed' GROUP BY 1`;
      const legacyPlaced = await src<{ day: string; n: number }[]>`
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n
        FROM orders WHERE status IN ('completed', 'cancelled') GROUP BY 1`;
      const expectedRevenue = revenue.map((d) => {
        const r = legacyRevenue.find((x) => x.day === d.day);
        return {
          day: d.day,
          completedCount: r?.n ?? 0,
          revenueCents: r?.cents ?? 0,
          placedCount: legacyPlaced.find((x) => x.day === d.day)?.n ?? 0,
        };
      });
      expect(
        revenue.map((d) => ({ day: d.day, completedCount: d.completedCount, revenueCents: d.revenueCents, placedCount: d.placedCount })),
      ).toEqual(expectedRevenue);
      expect(revenue.reduce((s, d) => s + d.revenueCents, 0)).toBeGreaterThan(0);

      const registrations = await registrationsBetween(t.services, { from, to });
      const legacyRegs = await src<{ day: string; n: number }[]>`
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM users GROUP BY 1`;
      expect(registrations).toEqual(registrations.map((d) => ({ day: d.day, count: legacyRegs.find((x) => x.day === d.day)?.n ?? 0 })));

      const profiles = await t.services.read.db.execute<{ email: string; orders: number; spent: number }>(sql`
        SELECT email, total_orders AS orders, total_spent_cents::float8 AS spent FROM user_profiles ORDER BY email`);
      const legacyTotals = await src<{ email: string; orders: number; spent: number }[]>`
        SELECT u.email, count(o.id)::int AS orders, COALESCE(sum(o.total_cents), 0)::float8 AS spent
        FROM users u LEFT JOIN orders o ON o.user_id = u.id AND o.status = 'completed' GROUP BY u.email ORDER BY u.email`;
      expect([...profiles]).toEqual([...legacyTotals]);

      // Stock: after replaying the completed orders, on hand is the legacy stock again.
      const stock = await t.services.read.db.execute<{ sku: string; on_hand: number }>(
        sql`SELECT sku, on_hand FROM inventory ORDER BY sku`,
      );
      const legacyStock = await src<{ sku: string; on_hand: number }[]>`SELECT sku, stock AS on_hand FROM products ORDER BY sku`;
      expect([...stock]).toEqual([...legacyStock]);
    } finally {
      await src.end();
    }
  }, 120_000);

  it('run a second time, changes nothing', async () => {
    const before = await eventCount(t.services.write.db);
    const snapshot = await outcome(t.services.write.db);
    const report = await importCrud(t.services.write.db, legacy.url, { concurrency: 4, pageSize: 64 });
    expect(report.eventsAfter).toBe(report.eventsBefore);
    expect(await eventCount(t.services.write.db)).toBe(before);
    expect(report.users).toMatchObject({ imported: 0, alreadyDone: 150 });
    expect(report.orders.imported).toBe(0);
    expect(await outcome(t.services.write.db)).toEqual(snapshot);
  }, 60_000);

  it('killed part-way (a child process, SIGKILL), then run again, ends exactly as the uninterrupted import', async () => {
    const other = await createTestEnv('import_crud_resume');
    try {
      const child = spawn(
        path.join(root, 'node_modules', '.bin', 'tsx'),
        ['cli/main.ts', 'import', 'crud', '--from', legacy.url, '--concurrency', '2'],
        {
          cwd: root,
          env: { ...process.env, ...serverEnv(other) },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          // Kill it mid-way through the orders, with commands in flight.
          if (/^orders \d+\/400/m.test(output)) {
            process.kill(-child.pid!, 'SIGKILL');
            resolve();
          }
        });
        child.stderr!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.on('exit', () => reject(new Error(`the import ended before it could be interrupted:\n${output}`)));
      });
      await exited;

      const interrupted = await eventCount(other.services.write.db);
      const complete = await eventCount(t.services.write.db);
      expect(interrupted).toBeGreaterThan(0);
      expect(interrupted).toBeLessThan(complete);

      const resumed = await importCrud(other.services.write.db, legacy.url, { concurrency: 4 });
      expect(resumed.users.alreadyDone).toBe(150);
      expect(resumed.orders.alreadyDone).toBeGreaterThan(0);
      expect(resumed.orders.imported).toBeGreaterThan(0);
      expect(resumed.failures).toEqual([]);
      expect(await eventCount(other.services.write.db)).toBe(complete);
      expect(await outcome(other.services.write.db)).toEqual(await outcome(t.services.write.db));
    } finally {
      await other.cleanup();
    }
  }, 120_000);

  it('reports rows that break the rules, leaves them and what depends on them out, and imports the rest', async () => {
    const dirty = await buildLegacy('import_dirty', async (db) => {
      await db`INSERT INTO users (email, name, created_at) VALUES ('ok@legacy.example', 'Ok', now() - interval '3 days'),
        ('not-an-email', 'Broken', now() - interval '3 days'), ('OK@legacy.example', 'Twin', now() - interval '2 days')`;
      await db`INSERT INTO products (sku, name, price_cents, stock, created_at) VALUES ('GOOD', 'Good', 500, 5, now() - interval '4 days'),
        ('has space', 'Bad sku', 500, 5, now() - interval '4 days')`;
      await db`INSERT INTO orders (user_id, status, total_cents, created_at, updated_at) VALUES
        (1, 'completed', 1500, now() - interval '2 days', now() - interval '1 day'),
        (2, 'completed', 500, now() - interval '2 days', now() - interval '2 days'),
        (1, 'pending', 500, now() - interval '1 day', now() - interval '1 day'),
        (1, 'completed', 500, now() - interval '1 day', now() - interval '1 day')`;
      // Order 1 has the same product on two lines at one price: merged into one line of 3.
      await db`INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES
        (1, 1, 1, 500), (1, 1, 2, 500), (2, 1, 1, 500), (3, 1, 1, 500), (4, 2, 1, 500)`;
    });
    created.push(dirty.dbName);
    const target = await createTestEnv('import_crud_dirty');
    try {
      const r = await importCrud(target.services.write.db, dirty.url);
      expect(r.users).toMatchObject({ imported: 1, failed: 2 });
      expect(r.products).toMatchObject({ imported: 1, failed: 1 });
      expect(r.orders).toMatchObject({ imported: 1, failed: 2, skipped: 1 });
      expect(r.skippedStatuses).toEqual({ pending: 1 });
      expect(r.failures.map((f) => `${f.table} ${f.legacyId}`).sort()).toEqual([
        'orders 2',
        'orders 4',
        'products 2',
        'users 2',
        'users 3',
      ]);
      expect(r.failures.find((f) => f.legacyId === '3' && f.table === 'users')!.reason).toContain('already exists');
      const [order] = await target.services.write.db.execute<{ total_cents: number; quantity: number; on_hand: number }>(sql`
        SELECT o.total_cents, l.quantity, p.on_hand FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id`);
      // Opening stock counts every completed legacy order, so once order 2 is fixed and imported on hand is the legacy 5.
      expect(order).toEqual({ total_cents: 1500, quantity: 3, on_hand: 6 });
    } finally {
      await target.cleanup();
    }
  }, 60_000);
});
