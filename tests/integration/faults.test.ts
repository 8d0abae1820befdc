/**
 * Faults a grown installation meets, on real services of this test's own (never the shared ones):
 * Postgres restarting under load, Redis restarting empty under load, and the read models in a second
 * Postgres cluster with two web processes and two workers. Under each: commands in flight answer
 * 503 (retryable), never hang and never 500; a client retrying with the same commandId gets exactly
 * one effect; web tier, workers and their LISTEN sessions come back by themselves; nothing is
 * half-written, and the saga finishes every order. Needs root (to run Postgres as `postgres`) and a
 * production build (`npm run build`).
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { postgresAt } from '@/db/postgres-at';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAll } from '@/db/migrate';
import { connect } from '@/db/client';
import { createToken } from '@/server/auth/store';
import { canRunOwnServices, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './support/own-services';
import { hasBuild, startServer, startWorker, type Proc, type Server } from './support/server';

const canRun = canRunOwnServices() && hasBuild();
if (!canRunOwnServices()) console.warn('faults: SKIPPED: needs root, Postgres 15 and redis-server');
else if (!canRun) console.warn('faults: processes SKIPPED: needs a production build (npm run build)');

describe.skipIf(!canRunOwnServices())('faults: a LISTEN session across a Postgres restart', () => {
  let pg: OwnPostgres;
  beforeAll(async () => {
    pg = await startOwnPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  it('listens again by itself and tells the subscriber, which then receives new notifications', async () => {
    const h = connect(pg.url('postgres'), { max: 1, appName: 'll-fault-listen' });
    try {
      const received: string[] = [];
      let relistened = 0;
      let signal = () => {};
      const changed = () =>
        new Promise<void>((resolve) => {
          signal = resolve;
        });
      let next = changed();
      await h.listen(
        'll_fault',
        (payload) => {
          received.push(payload);
          signal();
        },
        () => {
          relistened++;
          signal();
        },
      );
      relistened = 0; // count only the listens after the restart
      await h.sql`SELECT pg_notify('ll_fault', 'before')`;
      await next;
      expect(received).toEqual(['before']);

      await pg.stop();
      await pg.start();
      while (relistened === 0) {
        next = changed();
        await next;
      }
      next = changed();
      await h.sql`SELECT pg_notify('ll_fault', 'after')`;
      await next;
      expect(received).toEqual(['before', 'after']);
    } finally {
      await h.close();
    }
  }, 60_000);
});

const SECRET = 'fault-test-session-secret-0123456789';
const CLIENTS = 6;
const REQUEST_TIMEOUT_MS = 20_000; // an answer later than this is a hang

interface Topology {
  write: OwnPostgres;
  read: OwnPostgres;
  redis: OwnRedis;
  webs: Server[];
  workers: Proc[];
  writeUrl: string;
  readUrl: string;
  token: string;
}

async function bringUp(opts: { splitRead: boolean; webs: number; workers: number }): Promise<Topology> {
  const write = await startOwnPostgres();
  const read = opts.splitRead ? await startOwnPostgres() : write;
  const redis = await startOwnRedis();
  const writeUrl = write.url('ledgerline');
  const readUrl = read.url(opts.splitRead ? 'ledgerline_read' : 'ledgerline');
  await migrateAll([writeUrl, readUrl]);
  const h = connect(writeUrl, { max: 1 });
  const { token } = await createToken(h.db, SECRET, { name: 'fault-test', role: 'operator' });
  await h.close();
  const processEnv = {
    DATABASE_URL: writeUrl,
    READ_DATABASE_URL: readUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'llfault',
    SESSION_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    PAYMENT_DEADLINE_MS: '3000',
    DB_POOL_MAX: '10',
  };
  const workers = Array.from({ length: opts.workers }, () => startWorker(processEnv));
  const webs = await Promise.all(Array.from({ length: opts.webs }, () => startServer(processEnv)));
  // A worker that cannot reach Postgres while it starts exits (its supervisor restarts it): start the faults once all beat.
  const r = postgresAt(readUrl, { max: 1, onnotice: () => {} });
  await until(
    'every worker has started',
    async () => (await r<{ n: number }[]>`SELECT count(*)::int AS n FROM worker_heartbeats`)[0]!.n === opts.workers,
  );
  await r.end();
  return { write, read, redis, webs, workers, writeUrl, readUrl, token };
}

async function tearDown(t: Topology | undefined) {
  if (!t) return;
  await Promise.all([...t.webs, ...t.workers].map((p) => p.stop()));
  await Promise.all([t.write.destroy(), t.read.destroy(), t.redis.destroy()]);
}

interface Answer {
  status: number;
  body: { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { code?: string } } } } | null;
}

/** One tRPC call over HTTP; status 0 means no answer (connection refused, or a hang cut at REQUEST_TIMEOUT_MS). */
async function call(t: Topology, web: Server, path: string, input: unknown, kind: 'query' | 'mutation'): Promise<Answer> {
  const headers = { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ json: input });
  try {
    const res =
      kind === 'mutation'
        ? await fetch(`${web.url}/api/trpc/${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        : await fetch(`${web.url}/api/trpc/${path}?input=${encodeURIComponent(body)}`, {
            headers,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
    return { status: res.status, body: (await res.json().catch(() => null)) as Answer['body'] };
  } catch (err) {
    return { status: 0, body: { error: { json: { message: (err as Error).name } } } };
  }
}

async function ok<T>(t: Topology, path: string, input: unknown, kind: 'query' | 'mutation' = 'mutation'): Promise<T> {
  const a = await call(t, t.webs[0]!, path, input, kind);
  if (a.status !== 200) throw new Error(`${path} answered ${a.status}: ${JSON.stringify(a.body)}`);
  return a.body!.result!.data!.json as T;
}

/** Clients placing orders across the web processes; each retries a refused command with the same commandId until it is accepted. */
/** Every command the clients sent, over all the faults of one topology. */
interface Ledger {
  placed: Map<string, string>;
  attempted: Set<string>;
}

class OrderLoad {
  readonly answers = new Map<string, number>(); // status (or a timeout) → count
  get placed() {
    return this.ledger.placed;
  } // commandId → orderId
  get attempted() {
    return this.ledger.attempted;
  }
  private running = true;
  private clients: Promise<void>[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    private t: Topology,
    private shop: { userId: string; productId: string },
    private ledger: Ledger,
  ) {}

  start() {
    this.clients = Array.from({ length: CLIENTS }, (_, i) => this.client(i));
  }

  /** Resolves once `n` more orders (from now) have been accepted. */
  more(n: number): Promise<void> {
    const target = this.placed.size + n;
    return new Promise((resolve) => this.waiters.push({ n: target, resolve }));
  }

  /** Resolves once `n` more answers with this status have come back. */
  async answersOf(status: number, n: number) {
    const target = (this.answers.get(String(status)) ?? 0) + n;
    while ((this.answers.get(String(status)) ?? 0) < target) await this.next();
  }

  private tick: (() => void)[] = [];
  private next() {
    return new Promise<void>((r) => this.tick.push(r));
  }
  private count(key: string) {
    this.answers.set(key, (this.answers.get(key) ?? 0) + 1);
    for (const r of this.tick.splice(0)) r();
  }

  async stop() {
    this.running = false;
    await Promise.all(this.clients);
  }

  private async client(i: number) {
    while (this.running) {
      const commandId = randomUUID();
      this.attempted.add(commandId);
      for (let attempt = 0; ; attempt++) {
        const web = this.t.webs[(i + attempt) % this.t.webs.length]!;
        const a = await call(
          this.t,
          web,
          'orders.place',
          { userId: this.shop.userId, items: [{ productId: this.shop.productId, quantity: 1 }], payment: { token: 'tok_ok' }, commandId },
          'mutation',
        );
        const orderId = (a.body?.result?.data?.json as { orderId?: string } | undefined)?.orderId;
        this.count(
          a.status === 0
            ? String(a.body?.error?.json?.message)
            : a.status === 200 && !orderId
              ? '200 without an orderId'
              : String(a.status),
        );
        if (a.status === 200 && orderId) {
          this.placed.set(commandId, orderId);
          for (const w of this.waiters.filter((x) => this.placed.size >= x.n)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve();
          }
          break;
        }
        if (a.status !== 503) break; // anything else is a failure the assertions report
        await new Promise((r) => setTimeout(r, 50)); // a client's back-off before retrying, not a test's wait
      }
    }
  }
}

/** Polls a condition on the database until it holds (the services under test restart, so no LISTEN here). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const listenSessions = async (sql: postgres.Sql) =>
  (
    await sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE '%:listen' AND query LIKE 'LISTEN%'`
  )[0]!.n;

/** What must hold once the load has stopped: one effect per command, nothing half-written, every order through the saga and into the read models. */
async function verify(t: Topology, load: OrderLoad, w: postgres.Sql, r: postgres.Sql) {
  const unexpected = [...load.answers.keys()].filter((k) => k !== '200' && k !== '503');
  if (unexpected.length) console.warn([...t.webs, ...t.workers].map((p) => p.output().split('\n').slice(-30).join('\n')).join('\n---\n'));
  expect(unexpected.map((k) => `${k} × ${load.answers.get(k)}`)).toEqual([]);

  // Exactly one OrderPlaced per accepted command, none for a command never accepted, and the
  // orderId a retry was given is the one that was stored.
  const placedEvents = await w<{ command_id: string; order_id: string }[]>`
    SELECT metadata->>'commandId' AS command_id, data->>'orderId' AS order_id FROM events WHERE type = 'OrderPlaced'`;
  const byCommand = new Map<string, string[]>();
  for (const e of placedEvents) byCommand.set(e.command_id, [...(byCommand.get(e.command_id) ?? []), e.order_id]);
  expect([...byCommand.values()].filter((ids) => ids.length > 1)).toEqual([]);
  for (const [commandId, orderId] of load.placed) expect(byCommand.get(commandId)).toEqual([orderId]);
  expect([...byCommand.keys()].filter((id) => !load.attempted.has(id))).toEqual([]);

  // Nothing half-written: every order has its OrderPlaced and each stream's versions are 1..n.
  const [orders] = await w<{ orders: number; placed: number; gaps: number }[]>`
    SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM events WHERE type = 'OrderPlaced') AS placed,
      (SELECT count(*)::int FROM (SELECT stream_id FROM events GROUP BY stream_id HAVING max(stream_version) <> count(*)) g) AS gaps`;
  expect(orders).toEqual({ orders: placedEvents.length, placed: placedEvents.length, gaps: 0 });

  // The saga finishes every order (paid with tok_ok, stock to spare: completed), and the read side agrees.
  await until('every order is completed', async () => {
    const [row] = await w<{ open: number }[]>`SELECT count(*)::int AS open FROM orders WHERE status <> 'completed'`;
    return row!.open === 0;
  });
  await until('the order summaries show every order completed', async () => {
    const [row] = await r<{ done: number }[]>`SELECT count(*)::int AS done FROM order_summaries WHERE status = 'completed'`;
    return row!.done === placedEvents.length;
  });
  // No session stays idle inside a transaction: one caught by the restart must end at once, not
  // linger. It did for 10–20 s (more when the waits chained): a projection step's read-side
  // transaction waited for the write pool, which postgres.js held back in its reconnect backoff
  // (db/backoff.ts; driver-reconnect.test.ts).
  for (const sql of new Set([w, r])) {
    let idle: readonly unknown[] = [];
    await until(
      'no session idles in a transaction for more than 5 s',
      async () => {
        idle = await sql`SELECT application_name, left(query, 120) AS query, (now() - state_change)::text AS idle_for
        FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND state_change < now() - interval '5 seconds'`;
        return idle.length === 0;
      },
      10_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(idle)}`);
    });
  }
  expect(await r<{ name: string }[]>`SELECT name FROM projection_checkpoints WHERE status <> 'running'`).toEqual([]);
  expect(await r`SELECT projection, position FROM dead_letters`).toEqual([]);
}

for (const shape of [
  { title: 'one Postgres cluster, one web process, two workers', splitRead: false, webs: 1 },
  { title: 'read models in a second Postgres cluster, two web processes, two workers', splitRead: true, webs: 2 },
]) {
  describe.skipIf(!canRun)(`faults: ${shape.title}`, () => {
    let t: Topology;
    let w: postgres.Sql;
    let r: postgres.Sql;
    let shop: { userId: string; productId: string };
    const ledger: Ledger = { placed: new Map(), attempted: new Set() };

    beforeAll(async () => {
      t = await bringUp({ splitRead: shape.splitRead, webs: shape.webs, workers: 2 });
      w = postgresAt(t.writeUrl, { max: 2, onnotice: () => {} });
      r = t.read === t.write ? w : postgresAt(t.readUrl, { max: 2, onnotice: () => {} });
      const { userId } = await ok<{ userId: string }>(t, 'users.create', { email: `buyer-${randomUUID()}@example.test`, name: 'Buyer' });
      const { productId } = await ok<{ productId: string }>(t, 'catalog.createProduct', {
        sku: `SKU-${randomUUID().slice(0, 8)}`,
        name: 'Widget',
        priceCents: 500,
        stock: 1_000_000,
      });
      shop = { userId, productId };
    }, 180_000);
    afterAll(async () => {
      await w?.end();
      if (r !== w) await r?.end();
      await tearDown(t);
    }, 60_000);

    const restartUnderLoad = async (what: string, restart: (load: OrderLoad) => Promise<void>) => {
      const load = new OrderLoad(t, shop, ledger);
      load.start();
      await load.more(CLIENTS * 2);
      const listening = (await listenSessions(w)) + (r === w ? 0 : await listenSessions(r));
      await restart(load);
      await load.more(CLIENTS * 3); // accepted again after the restart
      await load.stop();
      await until(
        `the LISTEN sessions are back after ${what}`,
        async () => (await listenSessions(w)) + (r === w ? 0 : await listenSessions(r)) >= listening,
      );
      await verify(t, load, w, r);
      return load;
    };

    it('Postgres restarting under load: in-flight commands answer 503, retries take effect once, everything recovers', async () => {
      await restartUnderLoad('the write database restarted', async (load) => {
        await t.write.stop();
        // While it is down every client is refused with 503 (never a hang, never a 500: verify counts every answer).
        await load.answersOf(503, CLIENTS);
        await commandRefused(t);
        await until('/api/health answers 503', async () => (await statusOf(t, '/api/health')) === 503, 30_000); // its report is cached a few seconds
        expect(await statusOf(t, '/api/metrics')).toBe(503);
        await t.write.start();
      });
    }, 180_000);

    it('Redis restarting empty under load: work is delayed, never lost or doubled', async () => {
      await restartUnderLoad('Redis restarted empty', async (load) => {
        await t.redis.kill();
        try {
          await load.more(CLIENTS); // commands are still accepted: only their processing waits
          // Its report is cached a few seconds: a 503 alone could still be the previous test's (Postgres down).
          await until('/api/health answers 503 saying Redis is down', () => healthSaysRedisDown(t), 30_000);
          // Postgres's gauges with ledgerline_redis_up 0 (metrics-redis-down.test.ts), not a hang; on failure, the web's log says why
          expect(await statusOf(t, '/api/metrics'), t.webs[0]!.output().slice(-3000)).toBe(200);
        } finally {
          await t.redis.start();
        }
      });
    }, 180_000);

    it.runIf(shape.splitRead)(
      'the read cluster restarting under load: projections resume, nothing lost or doubled',
      async () => {
        await restartUnderLoad('the read database restarted', async () => {
          await t.read.stop();
          await t.read.start();
        });
      },
      180_000,
    );
  });
}

/** A GET with the test's token; null when there was no answer within REQUEST_TIMEOUT_MS. */
const getWithToken = (t: Topology, path: string) =>
  fetch(`${t.webs[0]!.url}${path}`, {
    headers: { authorization: `Bearer ${t.token}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  }).catch(() => null);

/** The status of a GET with the test's token; 0 when there was no answer within REQUEST_TIMEOUT_MS. */
async function statusOf(t: Topology, path: string): Promise<number> {
  const res = await getWithToken(t, path);
  await res?.body?.cancel();
  return res?.status ?? 0;
}

/** Whether /api/health (the staff report, for the test's token) answers 503 saying Redis is down (`redis: false`). */
async function healthSaysRedisDown(t: Topology): Promise<boolean> {
  const res = await getWithToken(t, '/api/health');
  const report = (await res?.json().catch(() => null)) as { redis?: unknown } | null;
  return res?.status === 503 && report?.redis === false;
}

/** One command sent while Postgres is down answers 503 with the retryable message. */
async function commandRefused(t: Topology) {
  const a = await call(t, t.webs[0]!, 'users.create', { email: `down-${randomUUID()}@example.test`, name: 'Down' }, 'mutation');
  expect(a.status).toBe(503);
  expect(a.body?.error?.json?.data?.code).toBe('SERVICE_UNAVAILABLE');
}
