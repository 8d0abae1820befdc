/**
 * Commands benchmark: how many commands per second the write side completes, next to what
 * Postgres itself does with the same transaction.
 *
 *   npx tsx bench/commands.ts [--runs 3] [--seconds 10] [--concurrency 32] [--pool N] [--pools 20,32] [--no-http] [--only text]
 *
 * In one run, interleaved so that drift hits every scenario alike:
 *   - users.create in-process (server/commands/users.ts called directly), `concurrency` callers,
 *     and the same command in its earlier shape (see docs/benchmarks.md, "Commands") for comparison;
 *   - catalog.restock in-process on a set of products;
 *   - the same users.create transaction written by hand with postgres.js (BEGIN; INSERT users;
 *     INSERT events; COMMIT), same pool — and its variant with pg_notify inside the transaction;
 *   - the same transaction run by pgbench (`pgbench -n -c 32 -j 2 -T 10 -f bench/commands.sql`),
 *     and its variant with pg_notify inside the transaction;
 *   - users.create over HTTP against `next start`, when a production build exists.
 * Prints every run and the medians. Makes its own database (ll_bench_commands_<random>) and drops it.
 */
import { deleteKeys } from '@/testkit/cleanup';
import { countSocketWrites } from '@/testkit/socket-writes';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { stopGroup } from './lib/process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { postgresAt } from '@/db/postgres-at';
import { hostArgOf } from '@/db/pg-url';
import { env } from '@/server/env';
import { connect, type DbHandle } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { createUser } from '@/server/commands/users';
import { createProduct, restock } from '@/server/commands/catalog';
import { createToken } from '@/server/auth/store';
import { appendToStream, relayWakesSettled } from '@/server/commands/append';
import { runCommand } from '@/server/commands/run';
import { users } from '@/db/schema';
import { decideUser } from '@/server/domain/user';
import { streamId } from '@/server/domain/events';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('runs', 3);
const SECONDS = arg('seconds', 10);
const CONCURRENCY = arg('concurrency', 32);
const POOL = arg('pool', env().DB_POOL_MAX);
const PRODUCTS = arg('products', 1000);
const WITH_HTTP = !process.argv.includes('--no-http');
/** `--pools 20,32`: also run users.create in-process with these pool sizes. */
const EXTRA_POOLS = process.argv.includes('--pools')
  ? (process.argv[process.argv.indexOf('--pools') + 1] ?? '').split(',').filter(Boolean).map(Number)
  : [];
/** `--only <text>`: run only the scenarios whose name contains it (for quick comparisons). */
const ONLY = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : '';

interface Sample {
  name: string;
  ops: number;
  seconds: number;
  errors: number;
  p50: number;
  p99: number;
  cpu?: number;
  firstError?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** `concurrency` loops calling `op` until `seconds` have passed; counts what completed in the window. */
async function closedLoop(
  name: string,
  seconds: number,
  concurrency: number,
  op: (worker: number, n: number) => Promise<unknown>,
): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        try {
          await op(worker, n);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??=
            err instanceof Error
              ? `${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}`
              : String(err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    name,
    ops: latencies.length,
    seconds: elapsed,
    errors,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    cpu: (used.user + used.system) / 1e6 / elapsed,
    firstError,
  };
}

function machine(pgVersion: string): string {
  const cpus = os.cpus();
  return [
    `host ${os.hostname()} — ${os.type()} ${os.release()} ${os.arch()}`,
    `cpu ${cpus[0]?.model ?? '?'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `node ${process.version}, ${pgVersion.split(' on ')[0]}`,
    `load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine skews every figure alike)`,
  ].join('\n');
}

async function dropDatabase(adminUrl: string, name: string) {
  if (!/^ll_bench_[a-z0-9_]+$/.test(name)) throw new Error(`Refusing to drop ${name}`);
  const admin = postgresAt(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Counts, per command, the statements sent and the round trips: the writes to the database socket
 * (postgres.js coalesces what it sends in one tick into one write, then waits for the answer).
 */
async function profileRoundTrips(url: string) {
  const statements: string[] = [];
  const counter = countSocketWrites();
  // The application's own client (db/client.ts), with a debug hook that records each statement.
  const handle = connect(url, { max: 1, appName: 'll-bench-profile' });
  (handle.sql.options as { debug?: unknown }).debug = (_conn: number, query: string) => statements.push(query.replace(/\s+/g, ' ').trim());
  try {
    const db = handle.db;
    const deps = { write: { db } };
    const N = 200;
    const measure = async (label: string, op: (i: number) => Promise<unknown>) => {
      await op(-1); // open the connection
      await relayWakesSettled(db);
      statements.length = 0;
      counter.reset();
      for (let i = 0; i < N; i++) {
        await op(i);
        await relayWakesSettled(db); // the post-commit NOTIFY is counted apart
      }
      const perCommand = counter.writes / N;
      const distinct = [...new Set(statements)].map((s) => `      ${s.slice(0, 110)}`);
      console.log(
        `  ${label}: ${(statements.length / N).toFixed(2)} statements, ${perCommand.toFixed(2)} round trips per command (incl. the NOTIFY after commit)`,
      );
      console.log(distinct.join('\n'));
    };
    const tag = randomBytes(3).toString('hex');
    await measure('users.create', (i) => createUser(deps, { actor: 'bench' }, { email: `prof-${tag}-${i}@example.com`, name: 'Profile' }));
    await measure('users.create with a commandId', (i) =>
      createUser(deps, { actor: 'bench', commandId: randomUUID() }, { email: `profc-${tag}-${i}@example.com`, name: 'Profile' }),
    );
    const { productId } = await createProduct(deps, { actor: 'bench' }, { sku: `PROF-${tag}`, name: 'Profile', priceCents: 100, stock: 0 });
    await measure('catalog.restock', () => restock(deps, { actor: 'bench' }, { productId, quantity: 1 }));
  } finally {
    counter.restore();
    await handle.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface WebServer {
  url: string;
  stop(): Promise<void>;
}

async function startNext(extraEnv: Record<string, string>): Promise<WebServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(path.join(root, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...extraEnv, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const stop = () => stopGroup(child);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return { url, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`next start did not answer /api/health within 60 s: ${stderr}`);
}

async function pgbench(url: string, seconds: number, file: string): Promise<Sample> {
  // The machine's max_connections is shared: when other work holds too many, wait and try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return pgbenchOnce(url, seconds, file);
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? '');
      if (attempt >= 5 || !stderr.includes('too many clients')) throw new Error(stderr.trim() || (err as Error).message, { cause: err });
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

function pgbenchOnce(url: string, seconds: number, file: string): Sample {
  const u = new URL(url);
  const out = execFileSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(CONCURRENCY),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      file,
      '-h',
      hostArgOf(url), // the app's transport: the socket the URL names, else TCP
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username || 'postgres'),
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
  );
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
  const lat = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
  return { name: path.basename(file), ops: tps * seconds, seconds, errors: failed, p50: lat, p99: NaN };
}

async function main() {
  const e = env();
  const dbName = `ll_bench_commands_${randomBytes(4).toString('hex')}`;
  const adminUrl = new URL(e.DATABASE_URL);
  adminUrl.pathname = '/postgres';
  const url = new URL(e.DATABASE_URL);
  url.pathname = `/${dbName}`;
  const prefix = `llbench:${dbName}`;
  await migrateDatabase(url.toString());

  let web: WebServer | undefined;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'll-bench-'));
  // One connection for setup and for resetting the tables between scenarios.
  const admin = connect(url.toString(), { max: 1, appName: 'll-bench-commands-setup' });
  try {
    const [{ version } = { version: '?' }] = await admin.sql<{ version: string }[]>`SELECT version()`;
    console.log(`# Commands benchmark — ${new Date().toISOString()}`);
    console.log(machine(version));
    console.log(
      `${CONCURRENCY} concurrent callers, ${SECONDS} s per scenario, ${RUNS} runs, pool of ${POOL} connections (DB_POOL_MAX default ${env().DB_POOL_MAX}), database ${dbName}\n`,
    );

    console.log('Round trips per command (one connection, 200 sequential commands):');
    await profileRoundTrips(url.toString());
    console.log('');

    // Products for the restock scenario, made through the real command.
    const productIds: string[] = [];
    for (let i = 0; i < PRODUCTS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, PRODUCTS - i) }, (_, j) =>
          createProduct(
            { write: admin },
            { actor: 'bench' },
            { sku: `BENCH-${i + j}`, name: `Bench product ${i + j}`, priceCents: 100 + j, stock: 0 },
          ),
        ),
      );
      productIds.push(...batch.map((b) => b.productId));
    }

    /**
     * Each scenario opens its own pool and closes it afterwards: the server's max_connections is
     * shared with whatever else runs on the machine, and pgbench needs its 32 connections.
     */
    const withApp = async <T>(
      fn: (deps: { write: DbHandle }) => Promise<T>,
      opts: { pool?: number; prepare?: boolean } = {},
    ): Promise<T> => {
      const pool = opts.pool ?? POOL;
      const h = connect(url.toString(), { max: pool, appName: 'll-bench-commands', prepare: opts.prepare });
      try {
        await Promise.all(Array.from({ length: pool }, () => h.sql`SELECT 1`)); // open the pool before the clock starts
        return await fn({ write: h });
      } finally {
        await relayWakesSettled(h.db);
        await h.close();
      }
    };
    /** The handler's transaction by hand; `notifyInside`: with pg_notify in it, as append.ts did before. */
    const rawScenario = (notifyInside: boolean) => {
      const name = notifyInside ? 'postgres.js, pg_notify inside the transaction' : 'postgres.js hand-written transaction';
      return {
        name,
        run: async (r: number) => {
          const raw = postgresAt(url.toString(), { max: POOL, onnotice: () => {} });
          try {
            await Promise.all(Array.from({ length: POOL }, () => raw`SELECT 1`));
            return await closedLoop(name, SECONDS, CONCURRENCY, (w, n) =>
              raw.begin(async (tx) => {
                const userId = randomUUID();
                const email = `h-${notifyInside ? 'n' : ''}${r}-${w}-${n}@example.com`;
                await tx`INSERT INTO users (id, email, name, created_at, version) VALUES (${userId}, ${email}, 'Bench', now(), 1) ON CONFLICT DO NOTHING RETURNING id`;
                await tx`WITH ins AS (
                  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
                  VALUES (${randomUUID()}, ${`user-${userId}`}, 1, 'UserCreated', 1, ${JSON.stringify({ userId, email, name: 'Bench' })}::jsonb,
                          ${JSON.stringify({ correlationId: randomUUID(), causationId: null, commandId: randomUUID(), actor: 'bench' })}::jsonb, now())
                  RETURNING position)
                SELECT max(position)::text AS position ${notifyInside ? raw`, pg_notify('ledgerline_events', '')` : raw``} FROM ins`;
              }),
            );
          } finally {
            await raw.end({ timeout: 5 });
          }
        },
      };
    };
    const sqlFile = path.join(root, 'bench/commands.sql');
    const notifySqlFile = path.join(tmp, 'commands-notify-inside.sql');
    writeFileSync(
      notifySqlFile,
      readFileSync(sqlFile, 'utf8').replace(
        'SELECT max(position)::text AS position FROM ins;',
        "SELECT max(position)::text AS position, pg_notify('ledgerline_events', '') FROM ins;",
      ),
    );

    const scenarios: { name: string; run: (run: number) => Promise<Sample> }[] = [
      {
        name: 'users.create in-process',
        run: (r) =>
          withApp((deps) =>
            closedLoop('users.create in-process', SECONDS, CONCURRENCY, (w, n) =>
              createUser(deps, { actor: 'bench' }, { email: `u-${r}-${w}-${n}@example.com`, name: `Bench ${w}` }),
            ),
          ),
      },
      ...EXTRA_POOLS.map((pool) => ({
        name: `users.create in-process, pool ${pool}`,
        run: (r: number) =>
          withApp(
            (deps) =>
              closedLoop(`users.create in-process, pool ${pool}`, SECONDS, CONCURRENCY, (w, n) =>
                createUser(deps, { actor: 'bench' }, { email: `u${pool}-${r}-${w}-${n}@example.com`, name: `Bench ${w}` }),
              ),
            { pool },
          ),
      })),
      {
        // The handler as it was before the changes in docs/benchmarks.md: statements not prepared,
        // the row then the event one after the other, pg_notify inside the transaction.
        name: 'users.create in-process, earlier shape',
        run: (r) =>
          withApp(
            (deps) =>
              closedLoop('users.create in-process, earlier shape', SECONDS, CONCURRENCY, (w, n) =>
                runCommand(deps, { actor: 'bench' }, 'users.create', async ({ tx, now }) => {
                  const email = `e-${r}-${w}-${n}@example.com`;
                  const userId = randomUUID();
                  const events = decideUser({ type: 'CreateUser', data: { userId, email, name: 'Bench' } }, null);
                  const inserted = await tx
                    .insert(users)
                    .values({ id: userId, email, name: 'Bench', createdAt: now, version: 1 })
                    .onConflictDoNothing()
                    .returning({ id: users.id });
                  if (inserted.length === 0) throw new Error('duplicate');
                  const commandId = randomUUID();
                  const position = await appendToStream(
                    tx,
                    streamId.user(userId),
                    0,
                    events,
                    { correlationId: commandId, causationId: null, commandId, actor: 'bench' },
                    now,
                  );
                  return { userId, position };
                }),
              ),
            { prepare: false },
          ),
      },
      {
        name: `catalog.restock in-process (${PRODUCTS} products)`,
        run: () =>
          withApp((deps) =>
            closedLoop(`catalog.restock in-process (${PRODUCTS} products)`, SECONDS, CONCURRENCY, () =>
              restock(deps, { actor: 'bench' }, { productId: productIds[Math.floor(Math.random() * productIds.length)]!, quantity: 1 }),
            ),
          ),
      },
      rawScenario(false),
      rawScenario(true),
      { name: 'pgbench, same transaction', run: () => pgbench(url.toString(), SECONDS, sqlFile) },
      { name: 'pgbench, pg_notify inside the transaction', run: () => pgbench(url.toString(), SECONDS, notifySqlFile) },
    ];

    const hasBuild = existsSync(path.join(root, '.next', 'BUILD_ID'));
    if (WITH_HTTP && hasBuild) {
      web = await startNext({
        DATABASE_URL: url.toString(),
        READ_DATABASE_URL: url.toString(),
        REDIS_URL: e.REDIS_URL,
        REDIS_PREFIX: prefix,
        SESSION_SECRET: e.SESSION_SECRET,
        LOG_LEVEL: 'warn',
      });
      const built = statSync(path.join(root, '.next', 'BUILD_ID')).mtime.toISOString();
      console.log(`HTTP scenario: \`next start\` of the production build made ${built}; it serves the code of that build.\n`);
      const { token } = await createToken(admin.db, e.SESSION_SECRET, { name: 'bench', role: 'operator' });
      const endpoint = `${web.url}/api/trpc/users.create`;
      scenarios.push({
        name: 'users.create over HTTP (next start)',
        run: (r) =>
          closedLoop('users.create over HTTP (next start)', SECONDS, CONCURRENCY, async (w, n) => {
            const res = await fetch(endpoint, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ json: { email: `w-${r}-${w}-${n}@example.com`, name: `Web ${w}` } }),
            });
            if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
            await res.arrayBuffer();
          }),
      });
    } else {
      console.log(
        WITH_HTTP
          ? 'HTTP scenario skipped: no production build (.next/BUILD_ID); run `npm run build` first.\n'
          : 'HTTP scenario skipped (--no-http).\n',
      );
    }

    if (ONLY) scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => s.name.includes(ONLY)));
    const samples = new Map<string, Sample[]>(scenarios.map((s) => [s.name, []]));
    for (let r = 1; r <= RUNS; r++) {
      for (const s of scenarios) {
        // Every run starts from the same tables, so runs are comparable.
        await admin.sql.unsafe('TRUNCATE users, events, command_results CASCADE');
        await admin.sql.unsafe('CHECKPOINT');
        const load = os.loadavg()[0]!;
        const sample = await s.run(r).catch((err: Error): Sample => ({
          name: s.name,
          ops: NaN,
          seconds: SECONDS,
          errors: 1,
          p50: NaN,
          p99: NaN,
          firstError: `scenario failed: ${err.message.split('\n')[0]}`,
        }));
        samples.get(s.name)!.push(sample);
        const rate = sample.ops / sample.seconds;
        console.log(
          `run ${r}  ${s.name.padEnd(44)} ${rate.toFixed(0).padStart(6)} commands/s  p50 ${sample.p50.toFixed(1)} ms  p99 ${Number.isNaN(sample.p99) ? '  -' : sample.p99.toFixed(1)} ms  errors ${sample.errors}  load ${load.toFixed(1)}${sample.cpu !== undefined ? `  bench process CPU ${(sample.cpu * 100).toFixed(0)}%` : ''}${sample.firstError ? ` (${sample.firstError.slice(0, 160)})` : ''}`,
        );
      }
    }

    console.log(`\nMedians of ${RUNS} runs (${CONCURRENCY} concurrent callers, ${SECONDS} s each):`);
    console.log('| scenario | commands/s | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|');
    for (const [name, all] of samples) {
      const xs = all.filter((x) => !Number.isNaN(x.ops));
      if (xs.length === 0) {
        console.log(`| ${name} | failed | | |`);
        continue;
      }
      const p99s = xs.map((x) => x.p99).filter((x) => !Number.isNaN(x));
      console.log(
        `| ${name} | ${median(xs.map((x) => x.ops / x.seconds)).toFixed(0)} | ${median(xs.map((x) => x.p50)).toFixed(1)} | ${p99s.length ? median(p99s).toFixed(1) : '-'} |`,
      );
    }
    console.log('(pgbench p50 column: its average latency)');
  } finally {
    await web?.stop();
    await admin.close();
    rmSync(tmp, { recursive: true, force: true });
    await dropDatabase(adminUrl.toString(), dbName);
    await deleteKeys(e.REDIS_URL, prefix);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
