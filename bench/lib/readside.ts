/** What the read-side benchmarks share: the machine's name, a database of their own, arguments, statistics. */
import { deleteKeys } from '@/testkit/cleanup';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { postgresAt } from '@/db/postgres-at';
import { Redis } from 'ioredis';
import { env } from '@/server/env';
import { migrateDatabase } from '@/db/migrate';

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

export function textArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const median = (xs: number[]) => quantile(xs, 0.5);
/** The q-quantile by the nearest-rank method. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = sortNum(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
export const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const int = (x: number) => Math.round(x).toLocaleString('en-US');

/** The machine and the servers, for the first lines of every report. */
export async function machine(url: string, redisUrl: string): Promise<string[]> {
  const cpus = os.cpus();
  const sql = postgresAt(url, { max: 1, onnotice: () => {} });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const [pg] = await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    const info = await redis.info('server');
    return [
      `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
      `software: Node ${process.versions.node}, PostgreSQL ${pg!.v}, Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}; Postgres and Redis on this machine`,
      `load average at start: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (1, 5, 15 min)`,
    ];
  } finally {
    await sql.end();
    redis.disconnect();
  }
}

export const loadNow = () =>
  `load average now: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

export interface BenchDb {
  name: string;
  url: string;
  prefix: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database `ll_bench_<what>_<random>` and a Redis prefix; drop() removes both. */
export async function benchDatabase(what: string): Promise<BenchDb> {
  const id = randomBytes(4).toString('hex');
  const name = `ll_bench_${what}_${id}`;
  const u = new URL(env().DATABASE_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const prefix = `llbench:${what}:${id}`;
  await migrateDatabase(url);
  let dropped = false;
  return {
    name,
    url,
    prefix,
    async drop() {
      if (dropped) return;
      dropped = true;
      if (!/^ll_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const sql = postgresAt(admin.toString(), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await sql.end();
      }
      await deleteKeys(env().REDIS_URL, prefix);
    },
  };
}

/** Runs `main` with a database that is dropped afterwards, also on Ctrl-C. */
export async function withBenchDatabase(what: string, main: (db: BenchDb) => Promise<void>): Promise<void> {
  const db = await benchDatabase(what);
  const onSignal = () => {
    db.drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await main(db);
  } finally {
    await db.drop();
    console.log(`dropped database ${db.name} and the keys ${db.prefix}:*`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** `p`, or after `msec` a warning and on: a close that hangs must not keep the database from being dropped. */
export async function within(msec: number, what: string, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => {
    timer = setTimeout(() => {
      console.warn(`${what} did not finish within ${msec} ms; going on`);
      r();
    }, msec);
  });
  await Promise.race([p.then(() => undefined), late]);
  clearTimeout(timer);
}
