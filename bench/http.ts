/**
 * HTTP benchmark: the web tier as shipped (`npm start`: node:http front, the GET query lane, the
 * POST mutation lane and tRPC's node adapter for the API, Next for the rest) next to the ceilings measured in the same run,
 * on the same machine.
 *
 *   npx tsx bench/http.ts [--runs 3] [--seconds 5] [--users 300] [--ryw-rate 100] [--only text|text…]
 *
 * Load comes from autocannon in this process (a low-CPU client: a fetch client would take half a
 * core). In each run, interleaved so that drift on the machine hits every scenario alike:
 *   - bare node:http returning the very body of the cached dashboard.summary (the ceiling of any
 *     node server here), and the same with gzip per response (what compression costs);
 *   - a trivial Next route of the same build (`/api/bench-ping`), 10 and 50 connections;
 *   - cached `dashboard.summary` (a warm cache, nothing changing), 10 and 50 connections;
 *   - each analytics view's cached query (bench/lib/analytics-targets.ts: analytics.kpis, dayKpis,
 *     funnel, products, productDaily of the demo's best-selling product, cohorts, and the
 *     drill-down's orders.count), 50 connections, the same GET path; each is measured in slices
 *     alternating with `dashboard.summary` at 50 connections (A B B A A B B A, SECONDS each side),
 *     and its ratio to summary is the median over runs of those paired ratios (the issue's bar: at
 *     least as fast): on this shared machine one sample of a row varied ±25 % from the next;
 *   - `/api/health`, 10 connections;
 *   - `users.create` over HTTP, 32 connections, and pgbench running the same transaction
 *     (bench/commands.sql), 32 clients: the bound Postgres sets;
 *   - read-your-write: with a worker running, each of 10 connections creates a user and then reads
 *     it with `users.profile` and the create's `minPosition`; the figure is the pair (create sent →
 *     profile answered), and every answer that is stale or not that user is counted. Twice: paced
 *     at `--ryw-rate` pairs/s (default 100, the freshness aims' rate: the latency of the path, the
 *     aim's row) and flat out (a closed loop that saturates the two cores: its latency is its queue).
 * Before the runs it also times gzip of that body in this process (bytes saved against CPU spent),
 * for the compression decision in docs/benchmarks.md.
 * The web server's CPU time per request is read from /proc. Prints every run and the medians.
 * Makes its own database (ll_bench_http_<random>) and Redis prefix, and removes both.
 */
import { deleteKeys, withDatabase } from '@/testkit/cleanup';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { stopGroup } from './lib/process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer as netServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { postgresAt } from '@/db/postgres-at';
import { hostArgOf } from '@/db/pg-url';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { env } from '@/server/env';
import { migrateDatabase } from '@/db/migrate';
import { createServices } from '@/server/services';
import { createToken } from '@/server/auth/store';
import { loadDemo } from '@/server/demo/load';
import { waitForProjections } from '@/server/importer/catch-up';
import { analyticsTargets, queryUrl } from './lib/analytics-targets';
import { pacedPairs } from './lib/paced-pairs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const SECONDS = arg('seconds', 5);
const USERS = arg('users', 300);
/** Read-your-write's paced rate (pairs per second), the rate of the freshness aims; the flat-out row has none. */
const RYW_RATE = arg('ryw-rate', 100);
const ONLY = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : '';

/** For read-your-write, `rps` counts create → read pairs and `stale` the answers that did not show the write. */
interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMsPerReq?: number;
  stale?: number;
  /** Read-your-write only: the pair's two halves (create sent → answered; profile sent → answered), p50 and the read's p99. */
  split?: { createP50: number; createP99: number; readP50: number; readP99: number };
  /** Paced read-your-write only: the slowest pairs, when they were due (s into the row) and how long they took. */
  slowest?: string;
  /** Analytics rows only: req/s over `dashboard.summary`'s, measured in alternating slices (pairedWithSummary). */
  pairedRatio?: number;
}
const median = (xs: number[]) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** CPU seconds used so far by every process in a process group (utime + stime from /proc). */
function groupCpuSeconds(pgid: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

function launch(args: string[], envExtra: Record<string, string>): ChildProcess {
  const { NODE_ENV: _drop, ...inherited } = process.env;
  const child = spawn(args[0]!, args.slice(1), {
    cwd: root,
    env: { ...inherited, ...envExtra } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  child.stderr!.on('data', (c: Buffer) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(c);
  });
  return child;
}
const stop = stopGroup;

async function waitFor(url: string, child: ChildProcess, what: string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(5000) })).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer ${url} within 180 s`);
}

/** A bare node:http server (its own process) answering every request with `body`; `/gzip` compresses each answer. */
const BARE = `
const http = require('node:http'); const zlib = require('node:zlib'); const fs = require('node:fs');
const body = fs.readFileSync(process.env.BODY_FILE);
http.createServer((req, res) => {
  if (req.url === '/gzip') { const z = zlib.gzipSync(body); res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': z.length }); res.end(z); return; }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');`;

async function cannon(opts: autocannon.Options, pgid?: number, seconds = SECONDS): Promise<Sample> {
  const cpu0 = pgid ? groupCpuSeconds(pgid) : 0;
  const r = await autocannon({ duration: seconds, ...opts });
  const done = r.requests.total;
  const cpu = pgid ? groupCpuSeconds(pgid) - cpu0 : undefined;
  return {
    rps: done / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    cpuMsPerReq: cpu !== undefined && done ? (cpu * 1000) / done : undefined,
  };
}

/**
 * An analytics row measured against `dashboard.summary` in the same stretch of time: `segments`
 * alternating slices of each (A B B A A B B A…, SECONDS in all for each side), so that drift on a
 * shared machine (seen here: the same row ±25 % from one 8 s sample to the next) falls on both
 * alike. Returns the row's own sample over its slices and its req/s over summary's in those slices.
 */
async function pairedWithSummary(summary: autocannon.Options, row: autocannon.Options, pgid?: number, segments = 4) {
  const slice = SECONDS / segments;
  // Requests per side (each side runs SECONDS in all), and the row's CPU, errors and latencies.
  const sum = { a: 0, b: 0, cpu: 0, errors: 0, p50: [] as number[], p99: [] as number[] };
  for (let i = 0; i < segments; i++) {
    for (const side of i % 2 ? ['b', 'a'] : ['a', 'b']) {
      const r = await cannon({ ...(side === 'a' ? summary : row), duration: slice }, pgid, slice);
      if (side === 'a') {
        sum.a += r.rps * slice;
        continue;
      }
      sum.b += r.rps * slice;
      if (r.cpuMsPerReq !== undefined) sum.cpu += r.cpuMsPerReq * r.rps * slice;
      sum.errors += r.errors;
      sum.p50.push(r.p50);
      sum.p99.push(r.p99);
    }
  }
  const sample: Sample = {
    rps: sum.b / SECONDS,
    p50: median(sum.p50),
    p99: Math.max(...sum.p99),
    errors: sum.errors,
    cpuMsPerReq: pgid && sum.b ? sum.cpu / sum.b : undefined,
  };
  return { sample, summaryRps: sum.a / SECONDS, ratio: sum.b / sum.a };
}

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type Made = { result: { data: { json: { userId: string; position: number } } } };
type Profile = { result: { data: { json: { data: { userId?: string } | null; freshness: { stale: boolean } } } } };
const profilePath = (made: { userId: string; position: number }) =>
  `/api/trpc/users.profile?input=${encodeURIComponent(JSON.stringify({ json: { userId: made.userId, minPosition: made.position } }))}`;
/** True when the profile answer shows the user just made, fresh. */
const showsWrite = (body: string, userId: string | undefined) => {
  const answer = (JSON.parse(body) as Profile).result.data.json;
  return !answer.freshness.stale && answer.data?.userId === userId;
};

/**
 * Each pair creates a user, then reads it back with the create's position as `minPosition`; timed
 * per pair in the client. With `pairsPerSecond`, pairs start on a fixed schedule (an open loop,
 * bench/lib/paced-pairs.ts); without, 10 autocannon connections run pairs back to back.
 */
let rywRuns = 0;
let rywUsers = 0;
async function readYourWrite(
  base: string,
  auth: Record<string, string>,
  id: string,
  pgid?: number,
  pairsPerSecond?: number,
  seconds = SECONDS,
): Promise<Sample> {
  const creates: number[] = [];
  const reads: number[] = [];
  let stale = 0;
  let errors: number;
  let slowest: string | undefined;
  const run = rywRuns++; // each run its own emails: a repeated one would be refused (CONFLICT) and counted as an error
  const createBody = () => JSON.stringify({ json: { email: `ryw-${id}-${run}-${rywUsers++}@example.com`, name: 'Reader' } });
  const cpu0 = pgid ? groupCpuSeconds(pgid) : 0;
  if (pairsPerSecond) {
    const r = await pacedPairs({
      base,
      headers: auth,
      rate: pairsPerSecond,
      seconds,
      first: () => ({ path: '/api/trpc/users.create', body: createBody() }),
      second: (reply) => profilePath((JSON.parse(reply.body) as Made).result.data.json),
      check: (read, created) => showsWrite(read.body, (JSON.parse(created.body) as Made).result.data.json.userId),
    });
    slowest = [...r.pairs]
      .sort((a, b) => b.create + b.read - (a.create + a.read))
      .slice(0, 5)
      .map((p) => `${(p.at / 1000).toFixed(2)} s: ${p.create.toFixed(0)}+${p.read.toFixed(0)} ms`)
      .join(', ');
    for (const p of r.pairs) {
      creates.push(p.create);
      reads.push(p.read);
    }
    errors = r.errors;
    stale = r.stale;
  } else {
    interface Ctx {
      t0?: number;
      t1?: number;
      made?: { userId: string; position: number };
    }
    const r = await autocannon({
      url: base,
      duration: seconds,
      connections: 10,
      requests: [
        {
          method: 'POST',
          path: '/api/trpc/users.create',
          headers: { ...auth, 'content-type': 'application/json' },
          setupRequest: (req, context: Ctx) => {
            context.t0 = performance.now();
            return { ...req, body: createBody() };
          },
          onResponse: (status, body, context: Ctx) => {
            context.t1 = performance.now();
            context.made = status === 200 ? (JSON.parse(body) as Made).result.data.json : undefined;
          },
        },
        {
          method: 'GET',
          headers: auth,
          // No user made (an error, counted by autocannon): start the pair again.
          setupRequest: (req, context: Ctx) =>
            context.made ? { ...req, path: profilePath(context.made) } : (null as unknown as typeof req),
          onResponse: (status, body, context: Ctx) => {
            creates.push(context.t1! - context.t0!);
            reads.push(performance.now() - context.t1!);
            if (status !== 200 || !showsWrite(body, context.made?.userId)) stale++;
          },
        },
      ],
    });
    errors = r.errors + r.timeouts + r.non2xx;
  }
  const cpu = pgid ? groupCpuSeconds(pgid) - cpu0 : undefined;
  const pairs = creates.map((c, i) => c + reads[i]!);
  return {
    rps: pairs.length / seconds,
    p50: percentile(pairs, 50),
    p99: percentile(pairs, 99),
    errors,
    stale,
    cpuMsPerReq: cpu !== undefined && pairs.length ? (cpu * 1000) / pairs.length : undefined,
    split: {
      createP50: percentile(creates, 50),
      createP99: percentile(creates, 99),
      readP50: percentile(reads, 50),
      readP99: percentile(reads, 99),
    },
    slowest,
  };
}

/** gzip of the answer in this process: its size and the CPU one compression takes (the per-response cost an app would pay). */
function gzipCost(body: string): { bytes: number; gzipped: number; microsEach: number } {
  const buf = Buffer.from(body);
  const rounds = 2000;
  let gzipped = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) gzipped = gzipSync(buf).byteLength;
  const used = process.cpuUsage(cpu0);
  return { bytes: buf.byteLength, gzipped, microsEach: (used.user + used.system) / rounds };
}

function pgbench(url: string): Sample {
  const u = new URL(url);
  const out = execFileSync(
    'pgbench',
    [
      '-n',
      '-c',
      '32',
      '-j',
      '2',
      '-T',
      String(SECONDS),
      '-f',
      path.join(root, 'bench/commands.sql'),
      '-h',
      hostArgOf(url), // the app's transport: the socket the URL names, else TCP
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username || 'postgres'),
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
  const lat = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
  return { rps: tps, p50: lat, p99: NaN, errors: Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = netServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function dropBenchDatabase(anyUrl: string, name: string) {
  if (!/^ll_bench_http_[a-f0-9]+$/.test(name)) throw new Error(`Refusing to drop ${name}`);
  const admin = postgresAt(withDatabase(anyUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

type Medians = (name: string) => { rps: number; p50: number; p99: number; errors: number; stale: number };

const SUMMARY_50 = 'dashboard.summary cached, 50 conn';
/** The row of one analytics target, measured beside `SUMMARY_50`. */
const analyticsRow = (targetName: string) => `${targetName} cached, 50 conn`;

/** The issue's aims, judged on this run's medians (a scenario left out by --only is reported as not measured). */
function printAims(med: Medians, ryw: string, analyticsRows: string[], pairedRatio: (row: string) => number) {
  const aim = (what: string, measured: boolean, met: boolean, figures: string) =>
    console.log(`- ${what}: ${measured ? `${met ? 'met' : 'missed'} (${figures})` : 'not measured'}`);
  const create = med('users.create over HTTP, 32 conn');
  const pgb = med('pgbench, same transaction, 32 clients');
  const hot = med(SUMMARY_50);
  const next = med('trivial Next route (/api/bench-ping), 50 conn');
  const rw = med(ryw);
  console.log('\n## Aims');
  aim(
    'users.create over HTTP ≥ 0.3 of pgbench, zero errors',
    Number.isFinite(create.rps) && Number.isFinite(pgb.rps),
    create.rps / pgb.rps >= 0.3 && create.errors === 0,
    `${(create.rps / pgb.rps).toFixed(2)} of pgbench, ${create.errors} errors`,
  );
  aim(
    'cached dashboard.summary ≥ 2× the trivial Next route at 50 conn, p99 ≤ 50 ms',
    Number.isFinite(hot.rps) && Number.isFinite(next.rps),
    hot.rps / next.rps >= 2 && hot.p99 <= 50,
    `${(hot.rps / next.rps).toFixed(2)}×, p99 ${hot.p99.toFixed(1)} ms`,
  );
  aim(
    `create → read-your-write over HTTP p99 ≤ 30 ms at ${RYW_RATE} pairs/s, no stale answer`,
    Number.isFinite(rw.rps),
    rw.p99 <= 30 && rw.stale === 0,
    `p99 ${rw.p99.toFixed(1)} ms, ${rw.stale} stale`,
  );
  for (const row of analyticsRows) {
    const a = med(row);
    const ratio = pairedRatio(row);
    aim(
      `${row} at least as fast as ${SUMMARY_50} (median of the runs' ratios in alternating slices), zero errors`,
      Number.isFinite(ratio),
      ratio >= 1 && a.errors === 0,
      `${ratio.toFixed(2)}× its req/s; ${
        // The summary's own row is left out by an --only that names analytics rows alone.
        Number.isFinite(hot.rps)
          ? `the rows' own medians ${(a.rps / hot.rps).toFixed(2)}×, p99 ${a.p99.toFixed(1)} against ${hot.p99.toFixed(1)} ms`
          : `p99 ${a.p99.toFixed(1)} ms`
      }; ${a.errors} errors`,
    );
  }
}

async function main() {
  const e = env();
  const id = randomBytes(4).toString('hex');
  const dbName = `ll_bench_http_${id}`;
  const url = withDatabase(e.DATABASE_URL, dbName);
  const prefix = `llbench:http:${id}`;
  const secret = `bench-session-secret-${id}`;
  const childEnv = {
    DATABASE_URL: url,
    READ_DATABASE_URL: url,
    REDIS_URL: e.REDIS_URL,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: secret,
    LOG_LEVEL: 'warn',
  };
  let web: ChildProcess | undefined;
  let bare: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  await migrateDatabase(url);
  const s = createServices({ databaseUrl: url, redisUrl: e.REDIS_URL, prefix, poolMax: 8, appName: 'll-bench-http' });
  try {
    const [{ version } = { version: '?' }] = await s.write.sql<{ version: string }[]>`SELECT version()`;
    console.log(`# HTTP benchmark — ${new Date().toISOString()}`);
    console.log(
      `host ${os.hostname()} — ${os.type()} ${os.release()}; cpu ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}; node ${process.version}; ${version.split(' on ')[0]}`,
    );
    console.log(
      `load average at start ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (a shared machine: other work skews every figure alike)`,
    );
    console.log(`${SECONDS} s per scenario, ${RUNS} runs, database ${dbName}; load generated by autocannon on the same machine\n`);

    // Data for a realistic dashboard: a demo history projected by a worker, which then stops.
    await loadDemo(s.write.db, { days: 30, users: USERS, orders: USERS * 2, seed: 'bench', concurrency: 8 });
    worker = launch([path.join(root, 'node_modules/.bin/tsx'), 'workers/main.ts'], childEnv);
    await waitForProjections(s, () => {}, { stallMs: 120_000, requireWorker: false });
    await stop(worker);
    worker = undefined;
    const { token } = await createToken(s.write.db, secret, { name: 'bench', role: 'admin' });
    const auth = { authorization: `Bearer ${token}` };
    // The product page's query asks about the demo's best seller, so its answer has rows to carry.
    const [best] = await s.read.sql<{ productId: string }[]>`
      SELECT product_id AS "productId" FROM product_daily GROUP BY product_id ORDER BY sum(units_sold) DESC, product_id LIMIT 1`;
    if (!best) throw new Error('the demo data has no product sales to ask analytics.productDaily about');
    const targets = analyticsTargets({ productId: best.productId });

    const webPort = await freePort();
    web = launch(['npm', 'run', '-s', 'start'], { ...childEnv, PORT: String(webPort), HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${webPort}`;
    await waitFor(`${base}/api/health`, web, 'npm start');
    const summaryUrl = `${base}/api/trpc/dashboard.summary`;
    const body = await (await fetch(summaryUrl, { headers: auth })).text();
    const bodyFile = path.join(os.tmpdir(), `ll-bench-http-${id}.json`);
    (await import('node:fs')).writeFileSync(bodyFile, body);
    const gz = gzipCost(body);
    console.log(
      `dashboard.summary answer: ${gz.bytes} bytes; gzipped ${gz.gzipped} bytes, ${gz.microsEach.toFixed(0)} µs of CPU per compression (in this process)\n`,
    );
    const barePort = await freePort();
    bare = launch([process.execPath, '-e', BARE], { PORT: String(barePort), BODY_FILE: bodyFile });
    await waitFor(`http://127.0.0.1:${barePort}/`, bare, 'bare node:http');

    let n = 0;
    const create: autocannon.Options = {
      url: `${base}/api/trpc/users.create`,
      connections: 32,
      requests: [
        {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ json: { email: `bench-${id}-${n++}@example.com`, name: 'Bench user' } }),
          }),
        },
      ],
    };
    for (const t of targets) {
      const res = await fetch(queryUrl(base, t), { headers: auth });
      if (!res.ok) throw new Error(`${t.path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const onBare = () => bare!.pid,
      onWeb = () => web!.pid;
    const RYW = `read-your-write at ${RYW_RATE} pairs/s: users.create then users.profile(minPosition)`;
    const RYW_FLAT = 'read-your-write flat out: users.create then users.profile(minPosition), 10 conn';
    const isRyw = (name: string) => name === RYW || name === RYW_FLAT;
    const scenarios: { name: string; ceiling?: string; load?: autocannon.Options; pgid?: () => number | undefined }[] = [
      { name: 'bare node:http, same body, 50 conn', load: { url: `${bareUrl}/`, connections: 50 }, pgid: onBare },
      {
        name: 'bare node:http, same body gzipped per response, 50 conn',
        load: { url: `${bareUrl}/gzip`, connections: 50, headers: { 'accept-encoding': 'gzip' } },
        pgid: onBare,
      },
      { name: 'trivial Next route (/api/bench-ping), 10 conn', load: { url: `${base}/api/bench-ping`, connections: 10 }, pgid: onWeb },
      { name: 'trivial Next route (/api/bench-ping), 50 conn', load: { url: `${base}/api/bench-ping`, connections: 50 }, pgid: onWeb },
      {
        name: 'dashboard.summary cached, 10 conn',
        ceiling: 'trivial Next route (/api/bench-ping), 10 conn',
        load: { url: summaryUrl, connections: 10, headers: auth },
        pgid: onWeb,
      },
      {
        name: SUMMARY_50,
        ceiling: 'trivial Next route (/api/bench-ping), 50 conn',
        load: { url: summaryUrl, connections: 50, headers: auth },
        pgid: onWeb,
      },
      ...targets.map((t) => ({
        name: analyticsRow(t.name),
        ceiling: SUMMARY_50,
        load: { url: queryUrl(base, t), connections: 50, headers: auth },
        pgid: onWeb,
      })),
      { name: '/api/health, 10 conn', load: { url: `${base}/api/health`, connections: 10 }, pgid: onWeb },
      { name: 'users.create over HTTP, 32 conn', ceiling: 'pgbench, same transaction, 32 clients', load: create, pgid: onWeb },
      { name: 'pgbench, same transaction, 32 clients' },
      { name: RYW, pgid: onWeb },
      { name: RYW_FLAT, pgid: onWeb },
    ].filter((x) => !ONLY || ONLY.split('|').some((o) => x.name.includes(o)));

    // Warm-up (JIT, pools, the cache entry), not counted.
    for (const sc of scenarios) if (sc.load) await cannon({ ...sc.load, duration: 1 });
    /** Read-your-write needs a worker; it runs for that scenario only (it would move the cached answers of the others). */
    const withWorker = async <T>(fn: () => Promise<T>): Promise<T> => {
      worker = launch([path.join(root, 'node_modules/.bin/tsx'), 'workers/main.ts'], childEnv);
      try {
        await waitForProjections(s, () => {}, { stallMs: 120_000, requireWorker: false });
        return await fn();
      } finally {
        await stop(worker);
        worker = undefined;
      }
    };
    const results = new Map<string, Sample[]>();
    /** Per analytics row, its req/s over summary's in alternating slices, one ratio per run. */
    const paired = new Map<string, { ratio: number; summaryRps: number }[]>();
    const summaryLoad: autocannon.Options = { url: summaryUrl, connections: 50, headers: auth };
    for (let run = 1; run <= RUNS; run++) {
      console.log(`run ${run}/${RUNS} (load ${os.loadavg()[0]!.toFixed(2)})`);
      for (const sc of scenarios) {
        const r = isRyw(sc.name)
          ? await withWorker(async () => {
              const rate = sc.name === RYW ? RYW_RATE : undefined;
              // The worker is new for this row: 3 s of the same load first, not counted (its JIT, pools
              // and first catch-ups), as a worker that has been running would be.
              await readYourWrite(base, auth, id, undefined, rate, 3);
              return readYourWrite(base, auth, id, sc.pgid?.(), rate);
            })
          : sc.load && sc.ceiling === SUMMARY_50
            ? await pairedWithSummary(summaryLoad, sc.load, sc.pgid?.()).then((p) => {
                paired.set(sc.name, [...(paired.get(sc.name) ?? []), p]);
                return { ...p.sample, pairedRatio: p.ratio };
              })
            : sc.load
              ? await cannon(sc.load, sc.pgid?.())
              : pgbench(url);
        results.set(sc.name, [...(results.get(sc.name) ?? []), r]);
        console.log(
          `  ${sc.name.padEnd(58)} ${r.rps.toFixed(0).padStart(7)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${Number.isFinite(r.p99) ? r.p99.toFixed(1) : '–'} ms  errors ${r.errors}${r.stale !== undefined ? `  stale ${r.stale}` : ''}${r.cpuMsPerReq !== undefined ? `  cpu ${r.cpuMsPerReq.toFixed(3)} ms/req` : ''}${r.split ? `  (create p50 ${r.split.createP50.toFixed(1)}, p99 ${r.split.createP99.toFixed(1)} ms; read p50 ${r.split.readP50.toFixed(1)}, p99 ${r.split.readP99.toFixed(1)} ms)` : ''}${r.slowest ? `; slowest pairs at ${r.slowest}` : ''}${r.pairedRatio !== undefined ? `  ÷ summary in alternating slices ${r.pairedRatio.toFixed(2)}` : ''}`,
        );
      }
    }
    const med = (name: string) => {
      const xs = results.get(name) ?? [];
      return {
        rps: median(xs.map((x) => x.rps)),
        p50: median(xs.map((x) => x.p50)),
        p99: median(xs.map((x) => x.p99)),
        errors: xs.reduce((a, x) => a + x.errors, 0),
        stale: xs.reduce((a, x) => a + (x.stale ?? 0), 0),
        cpu: median(xs.map((x) => x.cpuMsPerReq ?? NaN)),
      };
    };
    console.log(
      `\n## Medians of ${RUNS} runs (load average now ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})\n`,
    );
    console.log(
      '| scenario | req/s | p50 ms | p99 ms | errors | stale | web CPU ms/req | ceiling (analytics rows: dashboard.summary) in the same run |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    const bareRps = med('bare node:http, same body, 50 conn').rps;
    for (const sc of scenarios) {
      const m = med(sc.name);
      const c = sc.ceiling ? med(sc.ceiling) : undefined;
      const pairs = paired.get(sc.name);
      const ceiling = pairs
        ? `${sc.ceiling} in alternating slices: ${median(pairs.map((p) => p.summaryRps)).toFixed(0)}/s → ratio ${median(pairs.map((p) => p.ratio)).toFixed(2)} (per run ${pairs.map((p) => p.ratio.toFixed(2)).join(', ')})`
        : c
          ? `${sc.ceiling}: ${c.rps.toFixed(0)}/s → ratio ${(m.rps / c.rps).toFixed(2)}; bare node:http ${bareRps.toFixed(0)}/s`
          : sc.name.startsWith('bare')
            ? '—'
            : `bare node:http ${bareRps.toFixed(0)}/s`;
      console.log(
        `| ${sc.name} | ${m.rps.toFixed(0)} | ${m.p50.toFixed(1)} | ${Number.isFinite(m.p99) ? m.p99.toFixed(1) : '–'} | ${m.errors} | ${isRyw(sc.name) ? m.stale : '–'} | ${Number.isFinite(m.cpu) ? m.cpu.toFixed(3) : '–'} | ${ceiling} |`,
      );
    }
    console.log(
      '\n(pgbench: its p50 column is its average latency; read-your-write: req/s are pairs, latencies per pair; the web CPU column is every process of `npm start`)',
    );
    printAims(
      med,
      RYW,
      targets.map((t) => analyticsRow(t.name)),
      (name) => median((paired.get(name) ?? []).map((p) => p.ratio)),
    );
  } finally {
    await stop(web);
    await stop(bare);
    await stop(worker);
    await s.close();
    await dropBenchDatabase(e.DATABASE_URL, dbName).catch((err: unknown) => console.error('drop failed:', err));
    await deleteKeys(e.REDIS_URL, prefix).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
