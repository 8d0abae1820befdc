/**
 * postgres.js 3.4.9 keeps the error of a query whose connection the server ended (FATAL 57P01,
 * "terminating connection due to administrator command": what every session gets when Postgres
 * restarts) and hands it to the NEXT query that connection runs after it reconnects: a query made
 * long after Postgres came back failed with the old error, the old query's text and parameters
 * attached. After a restart under load, /api/metrics answered 503 this way in the fault test (each
 * pooled connection that had a query in flight failed its first query afterwards). The project
 * carries a fix in patches/postgres+3.4.9.patch: the kept error goes when the connection closes.
 *
 * Here one pool of one connection runs a long query, another session terminates that backend, and
 * the pool's next query must run on a fresh connection and succeed.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { postgresAt } from '@/db/postgres-at';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@/db/client';
import { env } from '@/server/env';
import { withDatabase } from '@/testkit/cleanup';
import { root } from './support/server';

// The server's own `postgres` database: this test creates nothing, and ends only its own session.
const url = withDatabase(env().DATABASE_URL, 'postgres');
const admin = postgresAt(url, { max: 1, onnotice: () => {} });
const h = connect(url, { max: 1, appName: 'll-test-stale-error' });
afterAll(async () => {
  await h.close();
  await admin.end();
});

describe('a connection the server terminated mid-query', () => {
  it("gives its next query a fresh start, not the terminated query's error", async () => {
    const [first] = await h.sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const pid = first!.pid;
    const sleeping = h.sql`SELECT pg_sleep(30)`.then(
      () => null,
      (err: { code?: string }) => err,
    );
    // Wait until the sleep runs on the server, then end that session as a restart would.
    for (let i = 0; i < 100; i++) {
      const [row] = await admin<{ active: boolean }[]>`
        SELECT state = 'active' AND query LIKE '%pg_sleep%' AS active FROM pg_stat_activity WHERE pid = ${pid}`;
      if (row?.active) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await admin`SELECT pg_terminate_backend(${pid})`;
    const failed = await sleeping;
    expect(failed).not.toBeNull(); // the sleeping query itself fails (it was cut off)

    const [next] = await h.sql<{ one: number; pid: number }[]>`SELECT 1 AS one, pg_backend_pid() AS pid`;
    expect(next!.one).toBe(1);
    expect(next!.pid).not.toBe(pid); // a new session
  });

  it.each(['query', 'transaction'])(
    'settles a query sent between the socket error and the close (a %s in flight): the next queries answer, none waits forever',
    async (mode) => {
      // postgres.js 3.4.9 rejected the queries in flight on a socket error, but not one executed
      // after that error and before the close (on the dying connection): it never settled, and a
      // pool of one waited forever after it. testkit/session-ended-in-flight.ts runs 30 rounds.
      const { stdout } = await promisify(execFile)(
        path.join(root, 'node_modules', '.bin', 'tsx'),
        ['testkit/session-ended-in-flight.ts', mode],
        {
          cwd: root,
          timeout: 120_000,
        },
      ).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout ?? ''}${err.stderr ?? String(err)}` }));
      expect(stdout.trim()).toBe('ok');
    },
    150_000,
  );
});
