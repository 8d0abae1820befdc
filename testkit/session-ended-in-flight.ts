/**
 * Run by tests/integration/driver-stale-error.test.ts in a process of its own (under vitest's
 * workers the timing did not reproduce it): a pool of one connection, whose session the server
 * ends (pg_terminate_backend) while a query is in flight on it, must answer its next queries —
 * possibly after a CONNECTION_CLOSED for one sent to the dying connection, which a caller may retry
 * — and never wait forever. `mode` is `query` (a plain query in flight) or `transaction`.
 * Prints `ok` and exits 0, or says which round hung and exits 1. Uses the server's `postgres`
 * database and ends only its own sessions.
 */
import { postgresAt } from '@/db/postgres-at';
import { env } from '@/server/env';
import { withDatabase } from '@/testkit/cleanup';

const ROUNDS = 30;
const mode = process.argv[2] === 'transaction' ? 'transaction' : 'query';
const url = withDatabase(env().DATABASE_URL, 'postgres');
const admin = postgresAt(url, { max: 1, onnotice: () => {} });
const pool = postgresAt(url, { max: 1, onnotice: () => {} });
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms))]);
/** A query, retried a few times on an error (a query sent to a connection that is dying fails, and may be retried). */
const retried = async <T>(query: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await query();
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};
const select = () => retried(async () => (await pool<{ ok: number }[]>`SELECT 1 AS ok`)[0]!.ok);
process.on('unhandledRejection', (err) => {
  console.log(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`, process.env.DIAG ? (err as Error).stack : '');
  process.exit(1);
});
for (let i = 0; i < ROUNDS; i++) {
  const pid = await retried(async () => (await pool<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid);
  // The server ends the session; the pool has not noticed yet when the next query (or transaction)
  // is written to it: the write meets a reset socket (ECONNRESET), and what is sent after it must settle.
  await admin`SELECT pg_terminate_backend(${pid})`;
  const inFlight = (mode === 'query' ? pool`SELECT 2` : pool.begin((t) => t`SELECT 2`)).then(
    () => 'done',
    () => 'failed',
  );
  const settled = await within(inFlight, 5000);
  const answer = settled === 'hung' ? 'hung' : await within(select(), 5000);
  if (answer !== 1) {
    console.log(`round ${i}: the query in flight ${settled}; the next query ${answer === 'hung' ? 'waited over 5 s' : String(answer)}`);
    process.exit(1);
  }
}
console.log('ok');
process.exit(0);
