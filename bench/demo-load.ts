/**
 * Demo load benchmark: how long the demo history takes to load through the real deciders, in
 * batches (runCommandBatch) and one command per transaction, next to a ceiling measured in the
 * same run: Postgres inserting the very events and rows the load wrote, in one statement per table
 * (what no decider, no idempotency check and no round trip per command costs).
 *
 *   npx tsx bench/demo-load.ts [--days 90] [--users 3000] [--batch 500] [--concurrency 8] [--skip-one-by-one]
 *
 * Each scenario loads into a fresh database of its own (ll_bench_demo_<random>), dropped at the end.
 * Prints the machine's load average before and after: on a shared machine the figures move with it.
 */
import os from 'node:os';
import { postgresAt } from '@/db/postgres-at';
import { connect } from '@/db/client';
import { loadDemo } from '@/server/demo/load';
import { arg, benchDatabase, type BenchDb } from './lib/readside';

const DAYS = arg('days', 90);
const USERS = arg('users', 3000);
const BATCH = arg('batch', 500);
const CONCURRENCY = arg('concurrency', 8);
const SKIP_ONE_BY_ONE = process.argv.includes('--skip-one-by-one');
const END = new Date();
const made: BenchDb[] = [];

async function freshDatabase(): Promise<string> {
  const db = await benchDatabase('demo');
  made.push(db);
  return db.url;
}

async function load(label: string, batchSize: number): Promise<{ url: string; seconds: number; events: number }> {
  const url = await freshDatabase();
  const pool = connect(url, { max: Math.max(CONCURRENCY, 2), appName: 'll-bench-demo' });
  try {
    const r = await loadDemo(pool.db, {
      days: DAYS,
      users: USERS,
      orders: USERS * 2,
      seed: 'ledgerline',
      end: END,
      batchSize,
      concurrency: CONCURRENCY,
    });
    if (!r.loaded) throw new Error('not loaded');
    console.log(
      `${label.padEnd(34)} ${r.seconds.toFixed(1).padStart(7)} s  ${Math.round(r.newEvents / r.seconds)
        .toString()
        .padStart(7)} events/s  (${r.newEvents} events, ${r.commands} commands)`,
    );
    return { url, seconds: r.seconds, events: r.newEvents };
  } finally {
    await pool.close();
  }
}

/**
 * The ceiling: the rows and events the load wrote, inserted again by Postgres alone into copies of
 * their tables (same columns, indexes and constraints), one INSERT … SELECT per table, one transaction.
 */
async function ceiling(url: string, events: number) {
  const sql = postgresAt(url, { max: 1, onnotice: () => {} });
  const tables = ['products', 'users', 'orders', 'order_lines', 'command_results', 'events'];
  try {
    for (const t of tables) await sql.unsafe(`CREATE TABLE bench_${t} (LIKE ${t} INCLUDING ALL)`);
    const started = performance.now();
    await sql.begin(async (tx) => {
      for (const t of tables) await tx.unsafe(`INSERT INTO bench_${t} SELECT * FROM ${t}${t === 'events' ? ' ORDER BY position' : ''}`);
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${'ceiling: the same rows, INSERT…SELECT'.padEnd(34)} ${seconds.toFixed(1).padStart(7)} s  ${Math.round(events / seconds)
        .toString()
        .padStart(7)} events/s`,
    );
  } finally {
    await sql.end();
  }
}

try {
  console.log(
    `demo load, ${DAYS} days, ${USERS} users, ${USERS * 2} orders; ${os.cpus().length} cpus, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const batched = await load(`batches of ${BATCH} (runCommandBatch)`, BATCH);
  if (!SKIP_ONE_BY_ONE) await load(`one by one, ${CONCURRENCY} in flight`, 1);
  await ceiling(batched.url, batched.events);
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  for (const db of made) await db.drop();
}
