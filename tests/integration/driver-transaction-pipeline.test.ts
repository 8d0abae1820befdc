/**
 * postgres.js 3.4.9 sent a transaction's BEGIN on a connection it had not reserved when the BEGIN
 * was the query that filled that connection's pipeline (porsager/postgres#823, #1189; fix in PR
 * #1218, carried here by patches/postgres+3.4.9.patch). The web tier and the workers queue work
 * onto a pool of DB_POOL_MAX connections exactly like this under load. Unpatched, every
 * transaction below fails with UNSAFE_TRANSACTION and its server-side transaction stays open on a
 * connection that goes back to the pool, so unrelated queries run inside it.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { postgresAt } from '@/db/postgres-at';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type DbHandle } from '@/db/client';
import { env } from '@/server/env';
import { dropDatabase, withDatabase } from '@/testkit/cleanup';

const dbName = `ll_test_driver_${randomBytes(4).toString('hex')}`;
const appName = `ll-test-${dbName}`;
const url = withDatabase(env().DATABASE_URL, dbName);
/** The project's pool size (env DB_POOL_MAX, 10 by default) and postgres.js's default max_pipeline. */
const poolMax = env().DB_POOL_MAX;
const MAX_PIPELINE = 100;
let h: DbHandle;
let admin: postgres.Sql;
/** A session of the test database (advisory locks are per database) that holds LOCK. */
let locker: postgres.Sql;

beforeAll(async () => {
  admin = postgresAt(withDatabase(env().DATABASE_URL, 'postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  h = connect(url, { max: poolMax, appName });
  locker = postgresAt(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await h?.close();
  await locker?.end();
  await admin?.end();
  await dropDatabase(env().DATABASE_URL, dbName);
});

/** Held by `admin` while the pool's connections must stay busy: a condition, not a sleep. */
const LOCK = 4242;
// Drizzle's queries are lazy: `then` starts them, so that they reach the pool in the order written.
// No parameters: a statement not yet described on a connection is never pipelined onto.
const started = <T>(query: PromiseLike<T>): Promise<T> => Promise.resolve(query.then((v) => v));
const hold = () => started(h.db.execute(sql`SELECT pg_advisory_xact_lock_shared(4242)`));
const filler = () => started(h.db.execute(sql`SELECT 1`));
const transaction = (i: number) =>
  h.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1`);
    return i;
  });
const sessions = async (where: 'all' | 'waiting' | 'idle in transaction') => {
  const [row] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${appName}
    AND (${where} = 'all' OR (${where} = 'waiting' AND wait_event_type = 'Lock') OR state LIKE ${where} || '%')`;
  return row!.n;
};
async function until(what: () => Promise<boolean>) {
  while (!(await what())) await new Promise((r) => setImmediate(r));
}

/** Every pooled connection busy on a query that waits for LOCK; resolves once all of them wait. */
async function busyPool(): Promise<Promise<unknown>[]> {
  await locker`SELECT pg_advisory_lock(${LOCK})`;
  const busy = Array.from({ length: poolMax }, hold);
  await until(async () => (await sessions('waiting')) === poolMax);
  return busy;
}

describe('a transaction queued behind busy connections (postgres.js BEGIN pipelining)', () => {
  it('reserves its connection: every transaction commits and no session is left inside one', async () => {
    // Opens every connection of the pool (each blocked query takes its own).
    const opening = await busyPool();
    await locker`SELECT pg_advisory_unlock(${LOCK})`;
    await Promise.all(opening);
    expect(await sessions('all')).toBe(poolMax);

    // Every connection busy, then MAX_PIPELINE - 1 queries pipelined onto each (round-robin), so
    // that each connection's BEGIN is the query that fills its pipeline. The awaits between the
    // steps let every query queued so far reach the pool first.
    const busy = await busyPool();
    const queued = Array.from({ length: poolMax * (MAX_PIPELINE - 1) }, filler);
    await sessions('all');
    const transactions = Array.from({ length: poolMax }, (_, i) => transaction(i));
    const settled = Promise.allSettled([...busy, ...queued, ...transactions]);
    await sessions('all');
    await locker`SELECT pg_advisory_unlock(${LOCK})`;

    const failures = (await settled).flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []));
    // Unpatched, each failed BEGIN also leaves its server-side transaction open on a pooled connection.
    expect({ failures, leftInTransaction: await sessions('idle in transaction') }).toEqual({ failures: [], leftInTransaction: 0 });
    expect(await Promise.all(transactions)).toEqual(Array.from({ length: poolMax }, (_, i) => i));
  });
});

describe("a plain BEGIN is not waited for: the transaction's first statement goes out right behind it", () => {
  const xact = (q: { execute: typeof h.db.execute }) =>
    q.execute<{ x: string }>(sql`SELECT pg_current_xact_id()::text AS x`).then((r) => r[0]!.x);

  it('runs that statement inside the transaction, with the ones after it', async () => {
    const one = connect(url, { max: 1, appName });
    try {
      for (let i = 0; i < 20; i++) {
        // Outside a transaction every statement gets an xid of its own; inside, all share one.
        const [a, b] = await one.db.transaction(async (tx) => [await xact(tx), await xact(tx)]);
        expect(a).toBe(b);
      }
    } finally {
      await one.close();
    }
  });

  it('a failing statement rolls the transaction back, and the connection serves others cleanly', async () => {
    const one = connect(url, { max: 1, appName });
    try {
      await one.sql`CREATE TABLE IF NOT EXISTS pipelined_begin (n int PRIMARY KEY)`;
      await one.sql`INSERT INTO pipelined_begin VALUES (1)`;
      // Queued on the one connection together: a transaction whose first statement fails after its
      // second row went in, and plain statements behind it.
      const failing = one.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO pipelined_begin VALUES (2)`);
        await tx.execute(sql`INSERT INTO pipelined_begin VALUES (1)`);
      });
      const after = [started(one.db.execute(sql`INSERT INTO pipelined_begin VALUES (3)`)), xact(one.db), xact(one.db)];
      await expect(failing).rejects.toThrow();
      const [, x1, x2] = await Promise.all(after);
      expect(x1).not.toBe(x2);
      const rows = await one.sql<{ n: number }[]>`SELECT n FROM pipelined_begin ORDER BY n`;
      expect(rows.map((r) => r.n)).toEqual([1, 3]);
    } finally {
      await one.close();
    }
  });

  it('a transaction whose first statement fails, one that throws before any, and one that sends none', async () => {
    const one = connect(url, { max: 1, appName });
    try {
      await expect(one.db.transaction(async (tx) => tx.execute(sql`SELECT 1 / 0`))).rejects.toMatchObject({ cause: { code: '22012' } });
      await expect(
        one.db.transaction(() => {
          throw new Error('refused before any statement');
        }),
      ).rejects.toThrow('refused before any statement');
      expect(await one.db.transaction(async () => 'nothing sent')).toBe('nothing sent');
      // After each, the one connection is out of any transaction.
      const [x1, x2] = [await xact(one.db), await xact(one.db)];
      expect(x1).not.toBe(x2);
    } finally {
      await one.close();
    }
  });

  it('a BEGIN that fails: the transaction fails, and its connection is closed rather than handed to the next caller', async () => {
    const one = connect(url, { max: 1, appName });
    try {
      // The pool's one connection left inside an aborted transaction, where BEGIN itself fails (25P02).
      const reserved = await one.sql.reserve();
      const [before] = await reserved<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await reserved`BEGIN`;
      await expect(reserved`SELECT 1 / 0`).rejects.toThrow(/division by zero/);
      reserved.release();
      await expect(one.db.transaction(async (tx) => tx.execute(sql`SELECT 1`))).rejects.toThrow();
      // The next caller gets a new session, out of any transaction.
      const [after] = await one.sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      expect(after!.pid).not.toBe(before!.pid);
      const [x1, x2] = [await xact(one.db), await xact(one.db)];
      expect(x1).not.toBe(x2);
    } finally {
      await one.close();
    }
  });
});
