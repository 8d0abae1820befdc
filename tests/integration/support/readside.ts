/**
 * Helpers of the read-side integration tests: waiting on the runner's NOTIFY, a reference rebuild
 * of any projection from the log to compare full row sets, a counting projection that makes a
 * duplicate or missing apply visible (and a file's env with its counting tables, a worker or a second
 * process's services on it), a realistic command mix, and a worker child process that can be killed
 * with SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql as dsql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { DbHandle } from '@/db/client';
import type { Services } from '@/server/services';
import { startWorker, type WorkerOptions } from '@/server/readside/worker';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { Relay } from '@/server/readside/relay';
import { createLogger } from '@/server/log';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import { toStoredEvent } from '@/server/readside/log';
import type { ProjectionDefinition } from '@/server/projections/types';
import { eventTypes, type ProjectedEvent, type StoredEvent } from '@/server/domain/events';
import type { CommandContext } from '@/server/commands/context';
import { createUser, recordLogin, updateUserEmail } from '@/server/commands/users';
import { changePrice, createProduct, restock } from '@/server/commands/catalog';
import { placeOrder } from '@/server/commands/orders';
import { recordHistoricalOrder, type HistoricalOutcome } from '@/server/commands/history';
import { root } from './server';
import { createTestEnv, type TestEnv } from './harness';

/** Logs of the code under test: silent unless TEST_LOG_LEVEL says otherwise. */
export const testLog = createLogger('readside-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface Point {
  txId: bigint;
  position: number;
}
const reached = (ck: Point, ev: Point) => ck.txId > ev.txId || (ck.txId === ev.txId && ck.position >= ev.position);

/** The last committed event in log order (tx_id, position), or the one `back` events before it. */
export async function logEnd(sql: postgres.Sql, back = 0): Promise<Point | null> {
  const [row] = await sql<
    { tx_id: string; position: string }[]
  >`SELECT tx_id::text, position FROM events ORDER BY events.tx_id DESC, events.position DESC OFFSET ${back} LIMIT 1`;
  return row ? { txId: BigInt(row.tx_id), position: Number(row.position) } : null;
}

export interface CheckpointRow extends Point {
  name: string;
  status: string;
  lastError: string | null;
  eventsApplied: number;
  failingAttempts: number;
}

export async function checkpointRows(sql: postgres.Sql): Promise<Map<string, CheckpointRow>> {
  const rows = await sql<
    {
      name: string;
      tx_id: string;
      position: string;
      status: string;
      last_error: string | null;
      events_applied: string;
      failing_attempts: number;
    }[]
  >`
    SELECT name, tx_id::text, position, status, last_error, events_applied, failing_attempts FROM projection_checkpoints`;
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        txId: BigInt(r.tx_id),
        position: Number(r.position),
        status: r.status,
        lastError: r.last_error,
        eventsApplied: Number(r.events_applied),
        failingAttempts: r.failing_attempts,
      },
    ]),
  );
}

/**
 * Resolves once `check` holds. Re-checks on every NOTIFY of the projection runner (each committed
 * batch, halt, dead letter, retry and rebuild swap sends one) — or of the `channels` given, such as
 * EVENTS_CHANNEL for every committed command — and, as a safety net for state that changes without
 * a notification, every `recheckMs`.
 */
export async function waitUntil(
  sql: postgres.Sql,
  check: () => Promise<boolean>,
  opts: { timeoutMs?: number; what?: string; recheckMs?: number; channels?: string[] } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let wake: () => void = () => {};
  const listeners = await Promise.all((opts.channels ?? [PROJECTIONS_CHANNEL]).map((channel) => sql.listen(channel, () => wake())));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const signalled = new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (await check()) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${opts.what ?? 'the condition held'}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        signalled,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.min(left, opts.recheckMs ?? 1000));
        }),
      ]);
      clearTimeout(timer);
    }
  } finally {
    await Promise.all(listeners.map((l) => l.unlisten().catch(() => undefined)));
  }
}

/**
 * Waits until the safe horizon (the oldest transaction still running anywhere on the server) has
 * passed the last event of the log, so a reader that stops at the horizon sees the whole log.
 * Needed where a test counts what one pass read: other tests' transactions on the same server
 * (other databases included: transaction ids are the server's) hold the horizon back meanwhile.
 */
export async function untilHorizonPassesLog(sql: postgres.Sql, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    sql,
    async () => {
      const [row] = await sql<{ passed: boolean }[]>`
        SELECT coalesce(pg_snapshot_xmin(pg_current_snapshot()) > (SELECT max(tx_id) FROM events), true) AS passed`;
      return row!.passed;
    },
    { timeoutMs, recheckMs: 50, what: 'the safe horizon passed the end of the log' },
  );
}

/** Waits until every named projection's checkpoint is at the end of the log. */
export async function settle(sql: postgres.Sql, names: readonly string[], timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    sql,
    async () => {
      const end = await logEnd(sql);
      if (!end) return true;
      const cks = await checkpointRows(sql);
      return names.every((n) => {
        const c = cks.get(n);
        return !!c && reached(c, end);
      });
    },
    { timeoutMs, what: `projections ${names.join(', ')} reached the end of the log` },
  );
}

/** Every event the projection handles, in log order, read by plain SQL (not by the runner's reader). */
async function* eventsOf(sql: postgres.Sql, def: ProjectionDefinition, batch: number): AsyncGenerator<StoredEvent[]> {
  let from: Point = { txId: 0n, position: 0 };
  for (;;) {
    const rows = await sql<Parameters<typeof toStoredEvent>[0][]>`
      SELECT position, tx_id::text, event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at
      FROM events WHERE type = ANY(${def.handles as string[]}) AND (tx_id, position) > (${from.txId.toString()}::xid8, ${from.position})
      ORDER BY events.tx_id, events.position LIMIT ${batch}`;
    if (rows.length === 0) return;
    const events = rows.map(toStoredEvent);
    const last = events[events.length - 1]!;
    from = { txId: BigInt(last.txId), position: last.position };
    yield events;
  }
}

export interface TableDiff {
  table: string;
  liveRows: number;
  referenceRows: number;
  missing: string[];
  extra: string[];
}

const rowsOf = async (sql: postgres.Sql, table: string, ignore: string[]) =>
  (await sql.unsafe<{ j: string }[]>(`SELECT (to_jsonb(t) - $1::text[])::text AS j FROM ${table} t ORDER BY 1`, [ignore as never])).map(
    (r) => r.j,
  );

/** Rows of `a` not in `b`, as a multiset, at most `max` of them. */
function minus(a: string[], b: string[], max = 5): string[] {
  const left = new Map<string, number>();
  for (const r of b) left.set(r, (left.get(r) ?? 0) + 1);
  const out: string[] = [];
  for (const r of a) {
    const n = left.get(r) ?? 0;
    if (n > 0) left.set(r, n - 1);
    else if (out.push(r) >= max) break;
  }
  return out;
}

/**
 * Rebuilds `def` from the whole log into a scratch schema (its own SQL, its own batch size, none of
 * the runner's or rebuild's machinery) and compares the full row set of every table it owns with
 * the live one. `missing`: rows the log says should exist but the live table lacks; `extra`: the reverse.
 */
export async function diffWithLog(
  read: DbHandle,
  def: ProjectionDefinition,
  opts: { batch?: number; ignoreColumns?: string[] } = {},
): Promise<TableDiff[]> {
  const schema = `ref_${def.name}`;
  await read.sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
  try {
    for (const t of def.tables) await read.sql.unsafe(`CREATE TABLE "${schema}"."${t}" (LIKE public."${t}" INCLUDING ALL)`);
    for await (const events of eventsOf(read.sql, def, opts.batch ?? 257)) {
      await read.db.transaction(async (tx) => {
        await tx.execute(dsql.raw(`SET LOCAL search_path TO "${schema}", public`));
        await def.applyBatch(tx, events);
      });
    }
    const diffs: TableDiff[] = [];
    for (const t of def.tables) {
      const live = await rowsOf(read.sql, `public."${t}"`, opts.ignoreColumns ?? []);
      const ref = await rowsOf(read.sql, `"${schema}"."${t}"`, opts.ignoreColumns ?? []);
      diffs.push({ table: t, liveRows: live.length, referenceRows: ref.length, missing: minus(ref, live), extra: minus(live, ref) });
    }
    return diffs;
  } finally {
    await read.sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** The diffs of every given projection, keeping only tables that differ (so `toEqual([])` reads well). */
export async function mismatchesWithLog(
  read: DbHandle,
  defs: ProjectionDefinition[],
  opts: { batch?: number; ignoreColumns?: string[] } = {},
) {
  const all = (await Promise.all(defs.map((d) => diffWithLog(read, d, opts)))).flat();
  return { tables: all, mismatches: all.filter((d) => d.liveRows !== d.referenceRows || d.missing.length || d.extra.length) };
}

// ---------------------------------------------------------------------------------------------
// A counting projection: one row per event, keyed by position, with a counter and an apply order.

export const COUNTING_TABLE = 'applied_events';

export async function createCountingTable(sql: postgres.Sql, table = COUNTING_TABLE): Promise<void> {
  // A free-standing sequence, not a bigserial: a rebuild drops the old table, and with it a sequence it owns.
  await sql.unsafe(`CREATE SEQUENCE IF NOT EXISTS "${table}_seq"`);
  await sql.unsafe(`CREATE TABLE IF NOT EXISTS "${table}" (
    position bigint PRIMARY KEY, tx_id xid8 NOT NULL, type text NOT NULL, applied int NOT NULL DEFAULT 1,
    seq bigint NOT NULL DEFAULT nextval('"${table}_seq"'))`);
}

export interface CountingOptions {
  name?: string;
  /** Its own table (default applied_events); create it with createCountingTable. */
  table?: string;
  onError?: ProjectionDefinition['onError'];
  /** Throw (after writing the first half of the batch) on the next batch of at least 2 events while `armed`. */
  failHalfway?: { armed: boolean; fired?: number };
  /** Events this projection cannot apply (a poison event), while the predicate says so. */
  poison?: (e: ProjectedEvent) => boolean;
  /** The event types it handles (default: every one). */
  handles?: ProjectionDefinition['handles'];
}

/**
 * Handles every event type (or those of `opts.handles`). Applying an event twice increments `applied` instead of failing, so a
 * duplicate is counted rather than hidden; `seq` records the order of application.
 */
export function countingProjection(opts: CountingOptions = {}): ProjectionDefinition {
  const table = dsql.raw(`"${opts.table ?? COUNTING_TABLE}"`);
  const insert = async (tx: Parameters<ProjectionDefinition['applyBatch']>[0], events: ProjectedEvent[]) => {
    if (events.length === 0) return;
    const rows = events.map((e) => ({ position: e.position, tx_id: e.txId, type: e.type }));
    await tx.execute(dsql`
      INSERT INTO ${table} AS t (position, tx_id, type)
      SELECT (v->>'position')::bigint, (v->>'tx_id')::xid8, v->>'type'
      FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(v, ord) ORDER BY ord
      ON CONFLICT (position) DO UPDATE SET applied = t.applied + 1`);
  };
  return {
    kind: 'projection',
    database: 'read',
    name: opts.name ?? 'counting',
    version: 1,
    handles: opts.handles ?? eventTypes,
    tables: [opts.table ?? COUNTING_TABLE],
    onError: opts.onError ?? 'halt',
    async applyBatch(tx, events) {
      const f = opts.failHalfway;
      if (f?.armed && events.length >= 2) {
        f.armed = false;
        f.fired = (f.fired ?? 0) + 1;
        await insert(tx, events.slice(0, Math.floor(events.length / 2)));
        throw new Error('injected failure halfway through a batch');
      }
      const bad = opts.poison ? events.find(opts.poison) : undefined;
      if (bad) throw new Error(`cannot apply event ${bad.position} (${bad.type}): poison`);
      await insert(tx, events);
    },
  };
}

/** What the counting table says: duplicates, missing positions, and whether application followed log order. */
export async function countingReport(sql: postgres.Sql, opts: { table?: string; except?: number[]; types?: readonly string[] } = {}) {
  const table = sql(opts.table ?? COUNTING_TABLE);
  const types = opts.types ? [...opts.types] : null;
  const [r] = await sql<{ rows: string; duplicated: string; missing: string; unexpected: string; out_of_order: string }[]>`
    WITH expected AS (SELECT position, tx_id FROM events WHERE position <> ALL(${opts.except ?? []}::bigint[])
      AND (${types}::text[] IS NULL OR type = ANY(${types}::text[]))),
    ordered AS (SELECT seq, row_number() OVER (ORDER BY tx_id, position) AS by_log, row_number() OVER (ORDER BY seq) AS by_apply FROM ${table})
    SELECT (SELECT count(*) FROM ${table}) AS rows,
      (SELECT count(*) FROM ${table} WHERE applied <> 1) AS duplicated,
      (SELECT count(*) FROM expected e WHERE NOT EXISTS (SELECT 1 FROM ${table} a WHERE a.position = e.position)) AS missing,
      (SELECT count(*) FROM ${table} a WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.position = a.position AND e.tx_id = a.tx_id)) AS unexpected,
      (SELECT count(*) FROM ordered WHERE by_log <> by_apply) AS out_of_order`;
  return {
    rows: Number(r!.rows),
    duplicated: Number(r!.duplicated),
    missing: Number(r!.missing),
    unexpected: Number(r!.unexpected),
    outOfOrder: Number(r!.out_of_order),
  };
}

// ---------------------------------------------------------------------------------------------
// A file's environment for the read-side tests: its own database with counting tables, and what
// runs on it (a worker, or a second process's services). The env's cleanup stops and closes those
// first, so a file's afterAll stays `t?.cleanup()`.

/** A test env (createTestEnv) with these counting tables (default: the one COUNTING_TABLE). */
export async function createCountingEnv(name: string, opts: { poolMax: number; tables?: readonly string[] }): Promise<TestEnv> {
  const t = await createTestEnv(name, { poolMax: opts.poolMax });
  await cleanedUpOnError(t, async () => {
    for (const table of opts.tables ?? [COUNTING_TABLE]) await createCountingTable(t.services.read.sql, table);
  });
  return t;
}

/** A counting env with a worker (startWorker) running on its services; its cleanup stops the worker first. */
export async function createCountingEnvWithWorker(
  name: string,
  opts: { poolMax: number; tables?: readonly string[]; worker: WorkerOptions },
): Promise<{ t: TestEnv; worker: Awaited<ReturnType<typeof startWorker>> }> {
  const t = await createCountingEnv(name, opts);
  const worker = await cleanedUpOnError(t, () => startWorker(t.services, testLog, opts.worker));
  return { t: stoppingFirst(t, () => worker.stop()), worker };
}

/** A counting env with the services of a second process (t.peer) on it; its cleanup closes them first. */
export async function createCountingEnvWithPeer(
  name: string,
  peerAppName: string,
  opts: { poolMax: number },
): Promise<{ t: TestEnv; peer: Services }> {
  const t = await createCountingEnv(name, opts);
  const peer = t.peer(peerAppName, { poolMax: opts.poolMax });
  return { t: stoppingFirst(t, () => peer.close()), peer };
}

/**
 * A runner and a relay over `defs` on the env's databases, as a worker wires them but driven by
 * the test: the relay's signals are recorded in `signalled` (one array of names per signal).
 * `local`: the consumers' checkpoints are in the relay's database (the relay moves idle ones).
 */
export async function runnerAndRelay(t: TestEnv, defs: ProjectionDefinition[], opts: { batchSize?: number; local?: boolean } = {}) {
  const runner = new ProjectionRunner(t.services.write, t.services.read, defs, testLog, { batchSize: opts.batchSize ?? 1000 });
  await runner.ensureCheckpoints();
  const signalled: string[][] = [];
  const relay = new Relay(
    t.services.write.db,
    defs.map((d) => ({ name: d.name, handles: d.handles, local: opts.local })),
    async (names) => {
      signalled.push(names);
    },
    testLog,
  );
  await relay.ensureCheckpoint();
  return { runner, relay, signalled };
}

/** What `setup` gives; should it throw, the env is cleaned up (nothing left behind) and the error goes on. */
async function cleanedUpOnError<R>(t: TestEnv, setup: () => Promise<R>): Promise<R> {
  try {
    return await setup();
  } catch (err) {
    await t.cleanup();
    throw err;
  }
}

/** The env, whose cleanup (still safe to call twice) runs `stop` first, and its own even if `stop` throws. */
function stoppingFirst(t: TestEnv, stop: () => Promise<unknown>): TestEnv {
  let done: Promise<void> | undefined;
  const cleanup = () =>
    (done ??= (async () => {
      try {
        await stop();
      } finally {
        await t.cleanup();
      }
    })());
  return { ...t, cleanup };
}

// ---------------------------------------------------------------------------------------------
// Commands: a realistic mix through the real handlers.

export const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ actor: 'test:readside', ...over });

export interface Shop {
  users: string[];
  products: string[];
}

/** Users and products to build on. */
export async function seedShop(s: Services, opts: { users: number; products: number; tag?: string }): Promise<Shop> {
  const tag = opts.tag ?? randomUUID().slice(0, 8);
  const users: string[] = [];
  const products: string[] = [];
  for (let i = 0; i < opts.products; i++) {
    products.push(
      (await createProduct(s, ctx(), { sku: `SKU-${tag}-${i}`, name: `Product ${tag} ${i}`, priceCents: 199 + i * 101, stock: 1_000_000 }))
        .productId,
    );
  }
  for (let i = 0; i < opts.users; i++) {
    users.push((await createUser(s, ctx(), { email: `user${i}.${tag}@example.test`, name: `User ${i} ${tag}` })).userId);
  }
  return { users, products };
}

const OUTCOMES: HistoricalOutcome[] = ['completed', 'completed', 'completed', 'payment_failed', 'out_of_stock'];

/**
 * One command of a mix touching every projection: logins, email changes, restocks, price changes,
 * live orders (pending) and recorded orders with their whole saga (completed, declined, out of stock).
 * Returns the position of its last event.
 */
export async function oneCommand(s: Services, shop: Shop, i: number, opts: { liveOrders?: boolean } = {}): Promise<number> {
  const user = shop.users[i % shop.users.length]!;
  const product = shop.products[i % shop.products.length]!;
  const other = shop.products[(i * 7 + 3) % shop.products.length]!;
  const items =
    product === other
      ? [{ productId: product, quantity: 1 + (i % 3) }]
      : [
          { productId: product, quantity: 1 + (i % 3) },
          { productId: other, quantity: 1 },
        ];
  switch (i % 8) {
    case 0:
      return (await recordLogin(s, ctx(), { userId: user })).position;
    case 1:
      return (await updateUserEmail(s, ctx(), { userId: user, email: `renamed${i}.${randomUUID().slice(0, 6)}@example.test` })).position;
    case 2:
      return (await restock(s, ctx(), { productId: product, quantity: 5 + (i % 10) })).position;
    case 3:
      return (await changePrice(s, ctx(), { productId: product, priceCents: 250 + ((i * 37) % 5000) })).position;
    case 4:
      if (opts.liveOrders !== false) return (await placeOrder(s, ctx(), { userId: user, items, payment: { token: 'tok_ok' } })).position;
    // falls through: without live orders (a worker with the saga would go on adding events), one more recorded order
    default: {
      const placed = new Date(Date.UTC(2025, 0, 1 + (i % 60), 9 + (i % 12), i % 60));
      const r = await recordHistoricalOrder(s, ctx({ commandId: randomUUID(), now: () => placed }), {
        userId: user,
        items,
        paymentToken: 'tok_ok',
        outcome: OUTCOMES[i % OUTCOMES.length]!,
        settledAt: new Date(placed.getTime() + 3_600_000),
      });
      return r.position;
    }
  }
}

/** `count` commands from `concurrency` parallel callers (their transactions overlap and commit out of order). */
export async function runCommands(
  s: Services,
  shop: Shop,
  count: number,
  opts: { concurrency?: number; offset?: number; liveOrders?: boolean; onEach?: (i: number) => Promise<void> | void } = {},
): Promise<number[]> {
  const positions: number[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      positions.push(await oneCommand(s, shop, (opts.offset ?? 0) + i, opts));
      await opts.onEach?.(i);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, lane));
  return positions;
}

// ---------------------------------------------------------------------------------------------
// A worker child process (`tsx workers/main.ts`, what `npx tsx workers/main.ts` runs) in its own
// process group, so SIGKILL takes the tsx wrapper and the node process under it at once.

export interface WorkerProcess {
  pid: number;
  output(): string;
  /** null while it runs. */
  exitCode(): number | null;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const { NODE_ENV: _test, ...inherited } = process.env;
  const child: ChildProcess = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['workers/main.ts'], {
    cwd: root,
    env: { ...inherited, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 300) lines.splice(0, lines.length - 300);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* gone already */
    }
  };
  const onExit = () => group('SIGKILL');
  process.on('exit', onExit);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    output: () => lines.join('\n'),
    exitCode: () => child.exitCode ?? (child.signalCode ? 128 : null),
    exited,
    async kill9() {
      process.off('exit', onExit);
      group('SIGKILL');
      await exited;
    },
    async stop() {
      process.off('exit', onExit);
      if (gone()) return;
      group('SIGTERM');
      const killer = setTimeout(() => group('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The backends a worker process has open on this database (by application_name). */
export async function workerBackends(sql: postgres.Sql) {
  return sql<{ pid: number; state: string; in_tx: boolean; query: string }[]>`
    SELECT pid, state, xact_start IS NOT NULL AS in_tx, query FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'ledgerline-worker'`;
}
