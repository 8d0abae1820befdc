/**
 * The lanes of `npm start` (server/http/query-lane.ts, server/http/mutation-lane.ts, sharing
 * server/http/procedure-lane.ts): for every request a lane answers, success or error, the status,
 * headers and bytes are those tRPC's guarded handler sends for the same request, and the call ran
 * once; whatever a lane leaves to tRPC (batches, unreadable inputs, refusals of the guard) it
 * leaves before running anything.
 *
 * Three servers on one set of services: the lanes alone (599 where they decline, so that a test
 * knows who answered), tRPC's handler alone (handleTrpc, as the Next route serves it), and
 * apiRoutes (the lanes, then tRPC), as `npm start` serves /api/trpc. Two more, the lanes and tRPC
 * on services whose Postgres is unreachable, for SERVICE_UNAVAILABLE.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createToken, revokeToken, SESSION_COOKIE, signIn } from '@/server/auth/store';
import { apiRoutes } from '@/server/http/api-routes';
import { handleTrpc } from '@/server/http/trpc-handler';
import { inputOf, queryLane } from '@/server/http/query-lane';
import { UNREAD } from '@/server/http/procedure-lane';
import { analyticsTargets } from '@/bench/lib/analytics-targets';
import { mutationLane } from '@/server/http/mutation-lane';
import { readLimited, TRPC_BODY_LIMIT } from '@/server/http/body-limit';
import { createUser } from '@/server/commands/users';
import { serialisedOf } from '@/server/queries/answer';
import { startWorker } from '@/server/readside/worker';
import { MAX_WAIT_MS, MAX_WAITERS_PER_PRINCIPAL, waitingAs } from '@/server/readside/wait';
import { metrics } from '@/server/metrics';
import { env } from '@/server/env';
import { createServices, type Services } from '@/server/services';
import { callerFor, createTestEnv, deleteKeys, tokenFor, type TestEnv } from './support/harness';
import { checkpointRows, ctx, settle, testLog } from './support/readside';
import { rowCounts } from './support/foundation';
import { freePort } from './support/server';

let t: TestEnv;
let down: Services;
const downPrefix = `lltest:lane_down:${randomUUID().slice(0, 8)}`;
let worker: Awaited<ReturnType<typeof startWorker>>;
const servers: http.Server[] = [];
let laneUrl = '';
let trpcUrl = '';
let apiUrl = '';
let laneDownUrl = '';
let trpcDownUrl = '';

async function serve(handle: http.RequestListener): Promise<string> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The lanes alone: a GET to the query lane, a POST (its body read) to the mutation lane; 599 where they decline. */
function lanes(s: () => Services): http.RequestListener {
  const query = queryLane(s);
  const mutate = mutationLane(s);
  return (req, res) => {
    const answered =
      req.method === 'POST'
        ? readLimited(req, TRPC_BODY_LIMIT).then((bytes) => mutate(req, res, new TextDecoder().decode(bytes)))
        : query(req, res);
    void answered.then((yes) => {
      if (!yes) res.writeHead(599).end();
    });
  };
}

/**
 * tRPC's guarded fetch handler alone, as the Next route serves it. A body is read first, as the API
 * routes read it: a guard refusal then cancels a body already read, not the socket.
 */
function trpcOnly(s: () => Services): http.RequestListener {
  return (req, res) => {
    const read = req.method === 'POST' ? readLimited(req, TRPC_BODY_LIMIT).then((b) => new TextDecoder().decode(b)) : undefined;
    void Promise.resolve(read)
      .then((body) => handleTrpc(s(), incomingMessageToRequest(Object.assign(req, { body }), res, { maxBodySize: null })))
      .then(async (r) => {
        const body = Buffer.from(await r.arrayBuffer());
        const headers: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          headers[k] = v;
        });
        res.writeHead(r.status, { ...headers, 'content-length': String(body.byteLength) }).end(body);
      });
  };
}

beforeAll(async () => {
  t = await createTestEnv('query_lane');
  worker = await startWorker(t.services, testLog);
  const s = () => t.services;
  laneUrl = await serve(lanes(s));
  trpcUrl = await serve(trpcOnly(s));
  apiUrl = await serve((req, res) => void apiRoutes(s)(req, res));
  // Nothing listens on this port: every connection is refused, as while Postgres restarts.
  down = createServices({
    databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/ledgerline`,
    redisUrl: env().REDIS_URL,
    prefix: downPrefix,
    poolMax: 2,
  });
  laneDownUrl = await serve(lanes(() => down));
  trpcDownUrl = await serve(trpcOnly(() => down));
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await worker?.stop();
  await down?.close();
  await deleteKeys(env().REDIS_URL, downPrefix);
  await t?.cleanup();
});

const query = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`;

/** Status, body text and headers, without those that differ per response by nature. */
async function fetched(url: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
  const r = await fetch(url, { ...init, headers });
  const h: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive', 'x-correlation-id'].includes(k)) h[k] = v;
  });
  return { status: r.status, text: await r.text(), headers: h };
}

/** A single unbatched mutation, as tRPC's httpLink sends it; an `origin` of `self` is the server's own. */
const mutation = (base: string, path: string, input: unknown, headers: Record<string, string>, body?: string) =>
  fetched(
    `${base}/api/trpc/${path}`,
    { 'content-type': 'application/json', ...headers, ...(headers.origin === 'self' ? { origin: base } : {}) },
    {
      method: 'POST',
      body: body ?? JSON.stringify(superjson.serialize(input)),
    },
  );

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const FAR = 1_000_000_000; // a position no event has: a wait for it ends only by its timeout

/** How many times the metrics middleware saw a call finish: once per run of the procedure. */
async function runs(kind: 'command' | 'query', path: string): Promise<number> {
  const m = metrics();
  const { values } = await (kind === 'command' ? m.commandSeconds : m.querySeconds).get();
  const label = kind === 'command' ? 'type' : 'query';
  return values.find((v) => v.metricName?.endsWith('_count') && (v.labels as Record<string, unknown>)[label] === path)?.value ?? 0;
}

describe('the GET query lane', () => {
  it('answers with the bytes and headers tRPC sends, on a miss and on a cache hit', async () => {
    const token = await tokenFor(t.services, 'analyst');
    const { userId, position } = await createUser(t.services, ctx(), { email: 'lane@example.test', name: 'Lane' });
    // Nothing moves while the answers are compared (a projection's advance changes the answer).
    await settle(t.services.read.sql, [...(await checkpointRows(t.services.read.sql)).keys()]);
    const cases = [
      query('dashboard.summary'),
      query('dashboard.summary', { from: '2025-01-01', to: '2025-01-31' }),
      query('users.profile', { userId, minPosition: position, waitMs: MAX_WAIT_MS }),
      query('users.list', { q: 'Lane' }),
      query('session.me'), // not a read model: serialised by the lane itself
    ];
    for (const path of cases) {
      const hits = t.services.cache.stats.hits;
      const viaLane = await fetched(`${laneUrl}${path}`, bearer(token)); // the first: a miss (or a hit of an earlier case)
      const again = await fetched(`${laneUrl}${path}`, bearer(token));
      const viaTrpc = await fetched(`${trpcUrl}${path}`, bearer(token));
      expect(viaLane.status, path).toBe(200);
      expect(again.text, path).toBe(viaLane.text);
      expect(viaLane.text, path).toBe(viaTrpc.text);
      expect(JSON.parse(viaLane.text), path).toEqual(JSON.parse(viaTrpc.text));
      expect(viaLane.headers, path).toEqual(viaTrpc.headers);
      expect(again.headers, path).toEqual(viaTrpc.headers);
      if (!path.includes('session.me')) expect(t.services.cache.stats.hits, path).toBeGreaterThan(hits);
    }
    const profile = JSON.parse((await fetched(`${laneUrl}${query('users.profile', { userId })}`, bearer(token))).text) as {
      result: { data: unknown };
    };
    expect(superjson.deserialize(profile.result.data as never)).toMatchObject({
      data: { userId, email: 'lane@example.test' },
      freshness: { stale: false },
    });
  });

  it('a question asked again is read once: its input is kept frozen, and every analytics view answers the repeat as tRPC does', async () => {
    const token = await tokenFor(t.services, 'analyst');
    const targets = analyticsTargets({ productId: randomUUID() });
    for (const target of targets) {
      const path = query(target.path, target.input);
      for (let i = 0; i < 3; i++) {
        const viaLane = await fetched(`${laneUrl}${path}`, bearer(token));
        const viaTrpc = await fetched(`${trpcUrl}${path}`, bearer(token));
        expect(viaLane.status, `${path} #${i}`).toBe(200);
        expect(viaLane, `${path} #${i}`).toEqual(viaTrpc);
      }
      const search = path.slice(path.indexOf('?') + 1);
      const kept = inputOf(search);
      expect(kept, path).not.toBe(UNREAD);
      expect(kept !== UNREAD && Object.isFrozen(kept.input), path).toBe(true);
      expect(inputOf(search), path).toBe(kept); // read once, then shared
    }
    // Refused inputs, asked again and again, are refused as tRPC refuses them (the error carries the shared input).
    const refused = [
      query('analytics.kpis', { from: '2026-12-07', to: '2026-11-01' }), // from after to: the range check
      query('users.search', { q: 'a\u0000b' }), // a NUL: input hygiene, naming the field
      query('orders.list', { status: ['completed', { deep: [1, 2] }] }), // a nested wrong type: zod
    ];
    for (const path of refused) {
      for (let i = 0; i < 3; i++) {
        const viaLane = await fetched(`${laneUrl}${path}`, bearer(token));
        expect(viaLane.status, `${path} #${i}`).toBe(400);
        expect(viaLane, `${path} #${i}`).toEqual(await fetched(`${trpcUrl}${path}`, bearer(token)));
      }
    }
    // A nested input is frozen all the way down.
    const nested = inputOf(`input=${encodeURIComponent(JSON.stringify({ json: { items: [{ productId: 'x', quantity: 1 }] } }))}`);
    expect(nested !== UNREAD && Object.isFrozen((nested.input as { items: object[] }).items[0])).toBe(true);
    // What the lane declines stays declined when asked again (tRPC answers it every time).
    expect(inputOf('batch=1&input=%7B%7D')).toBe(UNREAD);
    expect(inputOf('batch=1&input=%7B%7D')).toBe(UNREAD);
    expect(inputOf(`input=${encodeURIComponent('{"json":')}`)).toBe(UNREAD);
    // An input the transformer revives into something other than JSON data is read afresh each time, never shared.
    const dated = `input=${encodeURIComponent(JSON.stringify(superjson.serialize({ at: new Date(0) })))}`;
    const first = inputOf(dated);
    expect(first !== UNREAD && (first.input as { at: unknown }).at).toBeInstanceOf(Date);
    expect(inputOf(dated)).not.toBe(first);
    // A long query string is never kept; the first of 257 new strings is dropped.
    const long = `input=${encodeURIComponent(JSON.stringify({ json: { q: 'x'.repeat(1100) } }))}`;
    expect(inputOf(long)).not.toBe(inputOf(long));
    const fresh = (i: number) => `input=${encodeURIComponent(JSON.stringify({ json: { evict: i } }))}`;
    const oldest = inputOf(fresh(0));
    expect(inputOf(fresh(0))).toBe(oldest);
    for (let i = 1; i <= 256; i++) inputOf(fresh(i));
    expect(inputOf(fresh(0))).not.toBe(oldest);
  });

  it('an input whose superjson meta would share one object along 2^39 paths is read as a tree: 400 from the lane as from tRPC, nothing hangs', async () => {
    const token = await tokenFor(t.services, 'analyst');
    const n = 40;
    const referentialEqualities: Record<string, string[]> = {};
    for (let i = 1; i < n; i++) referentialEqualities[String(i)] = [`${i - 1}.0`, `${i - 1}.1`];
    const payload = JSON.stringify({ json: Array.from({ length: n }, () => []), meta: { referentialEqualities } });
    const path = `/api/trpc/analytics.kpis?input=${encodeURIComponent(payload)}`;
    for (const headers of [bearer(token), {}]) {
      const viaLane = await fetched(`${laneUrl}${path}`, headers);
      expect(viaLane.status).toBe('authorization' in headers ? 400 : 401);
      expect(viaLane).toEqual(await fetched(`${trpcUrl}${path}`, headers));
    }
  });

  it("serves a cache hit as the bytes Redis holds: a multi-byte UTF-8 answer is byte for byte tRPC's, its length counted in bytes", async () => {
    const token = await tokenFor(t.services, 'analyst');
    const name = 'Zoë Ñandú, café ☕ 東京 🚀';
    const { userId, position } = await createUser(t.services, ctx(), { email: 'utf8@example.test', name });
    await settle(t.services.read.sql, [...(await checkpointRows(t.services.read.sql)).keys()]);
    const path = query('users.profile', { userId, minPosition: position, waitMs: MAX_WAIT_MS });
    const raw = async (url: string) => {
      const r = await fetch(url, { headers: bearer(token) });
      return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()), length: r.headers.get('content-length') };
    };
    const miss = await raw(`${laneUrl}${path}`);
    const hits = t.services.cache.stats.hits;
    const hit = await raw(`${laneUrl}${path}`);
    expect(t.services.cache.stats.hits).toBe(hits + 1);
    const viaTrpc = await raw(`${trpcUrl}${path}`); // tRPC's own path parses the cached bytes and serialises them again
    expect([miss.status, hit.status, viaTrpc.status]).toEqual([200, 200, 200]);
    expect(hit.bytes.equals(viaTrpc.bytes)).toBe(true);
    expect(miss.bytes.equals(viaTrpc.bytes)).toBe(true);
    expect(hit.length).toBe(String(hit.bytes.byteLength));
    expect(miss.length).toBe(String(miss.bytes.byteLength));
    const text = hit.bytes.toString('utf8');
    expect(hit.bytes.byteLength).toBeGreaterThan(text.length); // multi-byte characters, so bytes and characters differ
    const answer = JSON.parse(text) as { result: { data: unknown } };
    expect(superjson.deserialize(answer.result.data as never)).toMatchObject({ data: { userId, name }, freshness: { stale: false } });

    // The hit carried the bytes as Redis gave them, never decoded into a string; its data still reads.
    const out = await (await callerFor(t.services, 'analyst')).users.profile({ userId });
    expect(Buffer.isBuffer(serialisedOf(out))).toBe(true);
    expect(out.data).toMatchObject({ userId, name });
  });

  it(
    'answers an error of the call as tRPC does, having run the query once; what it declines, tRPC answers',
    { timeout: 60_000 },
    async () => {
      const analyst = await tokenFor(t.services, 'analyst');
      const admin = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'lane-admin', role: 'admin' });
      const summary = query('dashboard.summary');
      expect((await fetched(`${laneUrl}${summary}`, bearer(admin.token))).status).toBe(200); // the answer is cached now

      const errors: [string, Record<string, string>, number][] = [
        [summary, {}, 401], // anonymous
        [summary, bearer('not-a-token'), 401],
        [summary, { cookie: 'll_session=forged' }, 401],
        [query('users.profile', { userId: 'not-a-uuid' }), bearer(analyst), 400], // the input parser's (zod) error
        [query('users.profile', { userId: '00000000-0000-4000-8000-000000000000' }), bearer(analyst), 404], // NOT_FOUND
      ];
      for (const [path, headers, status] of errors) {
        const viaTrpc = await fetched(`${trpcUrl}${path}`, headers);
        const viaLane = await fetched(`${laneUrl}${path}`, headers);
        expect(viaTrpc.status, path).toBe(status);
        expect(viaLane, path).toEqual(viaTrpc); // status, headers, bytes
        const viaApi = await fetched(`${apiUrl}${path}`, headers);
        expect(viaApi, path).toEqual(viaTrpc);
      }
      // A failing query through apiRoutes runs once: the metrics middleware times it once.
      const notFound = query('users.profile', { userId: '00000000-0000-4000-8000-000000000001' });
      const before = await runs('query', 'users.profile');
      expect((await fetched(`${apiUrl}${notFound}`, bearer(analyst))).status).toBe(404);
      expect(await runs('query', 'users.profile')).toBe(before + 1);

      const declined: [string, Record<string, string>][] = [
        [query('users.create', { email: 'get@example.test', name: 'Get' }), bearer(analyst)], // a mutation over GET
        [query('users.create', { email: 'get@example.test', name: 'Get' }), bearer(admin.token)],
        [query('ops.rebuildProjection', { name: 'user_profile' }), bearer(admin.token)],
        [`/api/trpc/dashboard.summary?input=${encodeURIComponent('{"json":')}`, bearer(analyst)], // unreadable input
        [`/api/trpc/dashboard.summary,session.me?batch=1`, bearer(analyst)], // a batch
        [`/api/trpc/no.such`, bearer(analyst)],
        [summary, { ...bearer(analyst), 'trpc-accept': 'application/jsonl' }], // a streaming accept
      ];
      for (const [path, headers] of declined) {
        expect((await fetched(`${laneUrl}${path}`, headers)).status, path).toBe(599);
        const viaApi = await fetched(`${apiUrl}${path}`, headers);
        const viaTrpc = await fetched(`${trpcUrl}${path}`, headers);
        expect(viaApi.status, path).toBe(viaTrpc.status);
        expect(viaApi.text, path).toBe(viaTrpc.text);
      }
      const created = await t.services.write.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users WHERE email = 'get@example.test'`;
      expect(created[0]?.n).toBe(0);

      // A token revoked after its answer was cached gets tRPC's 401 from the lane, not the cached answer.
      await revokeToken(t.services.write.db, admin.id);
      await t.services.principals.sync();
      const revoked = await fetched(`${laneUrl}${summary}`, bearer(admin.token));
      expect(revoked.status).toBe(401);
      expect(revoked).toEqual(await fetched(`${trpcUrl}${summary}`, bearer(admin.token)));
      expect((await fetched(`${apiUrl}${summary}`, bearer(admin.token))).status).toBe(401);
    },
  );

  it('a caller over its share of waiters: the lane answers 429 with Retry-After, as tRPC does', async () => {
    const { id, token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'lane-greedy', role: 'analyst' });
    // Every slot of this token is held until the waits time out (no event has FAR).
    const held = Array.from({ length: MAX_WAITERS_PER_PRINCIPAL }, () =>
      waitingAs(`token:${id}`, () => t.services.waiter.waitFor(['user_profile'], FAR, 5000)),
    );
    try {
      const path = query('users.search', { q: 'x', minPosition: FAR, waitMs: 5000 });
      const viaTrpc = await fetched(`${trpcUrl}${path}`, bearer(token));
      const viaLane = await fetched(`${laneUrl}${path}`, bearer(token));
      expect(viaTrpc.status).toBe(429);
      expect(viaTrpc.headers['retry-after']).toBe('1');
      expect(viaLane).toEqual(viaTrpc);
    } finally {
      await Promise.all(held);
    }
  });

  it('a service down: the lane answers 503 with Retry-After, as tRPC does', async () => {
    const path = query('users.search', { q: 'x' });
    const viaLane = await fetched(`${laneDownUrl}${path}`, bearer('llk_whatever'));
    const viaTrpc = await fetched(`${trpcDownUrl}${path}`, bearer('llk_whatever'));
    expect(viaTrpc.status).toBe(503);
    expect(viaTrpc.headers['retry-after']).toBe('1');
    expect(viaLane).toEqual(viaTrpc);
  });
});

describe('the POST mutation lane', () => {
  let admin: string;
  let cookie: string;
  beforeAll(async () => {
    admin = await tokenFor(t.services, 'admin', 'mutation-lane-admin');
    await createStaff(t.services.write.db, { email: 'lane-staff@example.test', role: 'admin', password: 'correct horse battery' });
    const session = (await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'lane-staff@example.test', 'correct horse battery'))!;
    cookie = `${SESSION_COOKIE}=${encodeURIComponent(session.secret)}`;
  });

  it('a success: the same status, headers and bytes as tRPC (a repeated commandId answers the first result)', async () => {
    const commandId = randomUUID();
    const input = { email: 'mutation-lane@example.test', name: 'Mutation Lane', commandId };
    const viaLane = await mutation(laneUrl, 'users.create', input, bearer(admin));
    expect(viaLane.status).toBe(200);
    expect(JSON.parse(viaLane.text)).toMatchObject({
      result: { data: { json: { userId: expect.any(String), position: expect.any(Number) } } },
    });
    const viaTrpc = await mutation(trpcUrl, 'users.create', input, bearer(admin));
    expect(viaLane).toEqual(viaTrpc);
    // And a new user through each: the same headers, the same shape.
    const a = await mutation(laneUrl, 'users.create', { email: 'lane-a@example.test', name: 'A' }, bearer(admin));
    const b = await mutation(trpcUrl, 'users.create', { email: 'lane-b@example.test', name: 'B' }, bearer(admin));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers).toEqual(b.headers);
    expect(a.text.replace(/"userId":"[^"]+","position":\d+/, '')).toBe(b.text.replace(/"userId":"[^"]+","position":\d+/, ''));
  });

  it('each error: the same status, headers and bytes as tRPC, and the lane answered it', async () => {
    const analyst = await tokenFor(t.services, 'analyst', 'mutation-lane-analyst');
    await createUser(t.services, ctx(), { email: 'taken@example.test', name: 'Taken' });
    const cases: [string, string, unknown, Record<string, string>, number][] = [
      ['zod input error', 'users.create', { email: 'not an email', name: '' }, bearer(admin), 400],
      ['input hygiene', 'users.create', { email: 'nul@example.test', name: 'a\u0000b' }, bearer(admin), 400],
      ['duplicate email', 'users.create', { email: 'taken@example.test', name: 'Twin' }, bearer(admin), 409],
      ['anonymous', 'users.create', { email: 'anon@example.test', name: 'Anon' }, {}, 401],
      ['bad token', 'users.create', { email: 'anon@example.test', name: 'Anon' }, bearer('llk_not-a-token'), 401],
      ['role', 'users.create', { email: 'analyst@example.test', name: 'Analyst' }, bearer(analyst), 403],
      ['admin only', 'ops.rebuildProjection', { name: 'user_profile' }, bearer(await tokenFor(t.services, 'operator')), 403],
      ['not found', 'users.updateEmail', { userId: randomUUID(), email: 'nobody@example.test' }, bearer(admin), 404],
      ['same-site cookie, no role issue', 'users.create', { email: 'taken@example.test', name: 'Twin' }, { cookie, origin: 'self' }, 409],
    ];
    const before = await rowCounts(t.services);
    for (const [what, path, input, headers, status] of cases) {
      const viaTrpc = await mutation(trpcUrl, path, input, headers);
      const viaLane = await mutation(laneUrl, path, input, headers);
      expect(viaTrpc.status, what).toBe(status);
      expect(viaLane, what).toEqual(viaTrpc);
      expect(await mutation(apiUrl, path, input, headers), what).toEqual(viaTrpc);
    }
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('a service down: 503 with Retry-After, as tRPC answers it', async () => {
    const input = { email: 'down@example.test', name: 'Down', commandId: randomUUID() };
    const viaTrpc = await mutation(trpcDownUrl, 'users.create', input, bearer('llk_whatever'));
    const viaLane = await mutation(laneDownUrl, 'users.create', input, bearer('llk_whatever'));
    expect(viaTrpc.status).toBe(503);
    expect(viaTrpc.headers['retry-after']).toBe('1');
    expect(viaLane).toEqual(viaTrpc);
  });

  it('a failing mutation runs once: one command counted, one run timed', async () => {
    await createUser(t.services, ctx(), { email: 'once@example.test', name: 'Once' });
    const counted = async () =>
      (await metrics().commands.get()).values.find((v) => v.labels.type === 'users.create' && v.labels.outcome === 'CONFLICT')?.value ?? 0;
    const [conflicts, timed] = [await counted(), await runs('command', 'users.create')];
    const events = (await rowCounts(t.services)).events;
    const answer = await mutation(apiUrl, 'users.create', { email: 'once@example.test', name: 'Twice?' }, bearer(admin));
    expect(answer.status).toBe(409);
    expect(await counted()).toBe(conflicts + 1);
    expect(await runs('command', 'users.create')).toBe(timed + 1);
    expect((await rowCounts(t.services)).events).toBe(events);
  });

  it("what the lane declines, it declines before running anything, and tRPC's guarded handler answers", async () => {
    const input = JSON.stringify(superjson.serialize({ email: 'declined@example.test', name: 'Declined' }));
    const deep = JSON.stringify({ json: { email: 'deep@example.test', name: 'Deep', x: JSON.parse('['.repeat(80) + ']'.repeat(80)) } });
    const declined: [string, string, Record<string, string>, string][] = [
      ['another site (CSRF)', 'users.create', { cookie, origin: 'https://evil.example' }, input],
      ['a cookie and no Origin', 'users.create', { cookie }, input],
      ['nested too deeply', 'users.create', bearer(admin), deep],
      ['text/plain', 'users.create', { ...bearer(admin), 'content-type': 'text/plain' }, input],
      ['no JSON', 'users.create', bearer(admin), '{"json":'],
      ['not an object', 'users.create', bearer(admin), '42'],
      ['an empty body', 'users.create', bearer(admin), ''],
      ['a batch', 'users.create?batch=1', {}, JSON.stringify({ 0: JSON.parse(input) })],
      ['a query over POST', 'session.me', bearer(admin), '{}'],
      ['no such path', 'users.nothing', bearer(admin), input],
      ['an encoded path', 'users%2Enothing', bearer(admin), input],
      ['a streaming accept', 'users.create', { ...bearer(admin), 'trpc-accept': 'application/jsonl' }, input],
    ];
    const before = await rowCounts(t.services);
    for (const [what, path, headers, body] of declined) {
      const timed = await runs('command', 'users.create');
      expect((await mutation(laneUrl, path, undefined, headers, body)).status, what).toBe(599);
      expect(await runs('command', 'users.create'), what).toBe(timed);
      const viaApi = await mutation(apiUrl, path, undefined, headers, body);
      const viaTrpc = await mutation(trpcUrl, path, undefined, headers, body);
      expect(viaApi.status, what).toBeGreaterThanOrEqual(400);
      expect(viaApi, what).toEqual(viaTrpc);
    }
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('a body over 1 MB: 413 from the API routes, before any lane, as the guarded handler answers it', async () => {
    const headers = { ...bearer(admin), 'content-type': 'application/json' };
    const viaApi = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request(
        `${apiUrl}/api/trpc/users.create`,
        { method: 'POST', headers: { ...headers, 'content-length': 2 * 1024 * 1024 } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode!, headers: res.headers, body });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(16 * 1024, 'a')); // never the rest: an answer proves nobody waited for it
    });
    const viaTrpc = await handleTrpc(
      t.services,
      new Request(`${apiUrl}/api/trpc/users.create`, { method: 'POST', headers, body: 'a'.repeat(2 * 1024 * 1024) }),
    );
    expect(viaApi.status).toBe(413);
    expect(viaApi.status).toBe(viaTrpc.status);
    expect(viaApi.body).toBe(await viaTrpc.text());
    const trpcHeaders: Record<string, string> = {};
    viaTrpc.headers.forEach((v, k) => (trpcHeaders[k] = v));
    const { date: _date, 'content-length': _length, ...apiHeaders } = viaApi.headers;
    expect(apiHeaders).toEqual(trpcHeaders);
  });
});
