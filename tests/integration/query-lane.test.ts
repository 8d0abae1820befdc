/**
 * The GET query lane of `npm start` (server/http/query-lane.ts): for every request it answers, the
 * bytes and headers are those tRPC's handler sends for the same request; whatever tRPC would refuse
 * (no principal, a revoked token, a mutation over GET, a bad input) the lane does not answer at all.
 *
 * Three servers on one set of services: the lane alone (599 where it declines, so that a test knows
 * who answered), tRPC's handler alone (handleTrpc, as the Next route serves it), and apiRoutes (the
 * lane, then tRPC), as `npm start` serves /api/trpc.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '@/server/auth/store';
import { apiRoutes } from '@/server/http/api-routes';
import { handleTrpc } from '@/server/http/trpc-handler';
import { queryLane } from '@/server/http/query-lane';
import { createUser } from '@/server/commands/users';
import { serialisedOf } from '@/server/queries/answer';
import { startWorker } from '@/server/readside/worker';
import { MAX_WAIT_MS } from '@/server/readside/wait';
import { callerFor, createTestEnv, tokenFor, type TestEnv } from './support/harness';
import { checkpointRows, ctx, settle, testLog } from './support/readside';

let t: TestEnv;
let worker: Awaited<ReturnType<typeof startWorker>>;
const servers: http.Server[] = [];
let laneUrl = '';
let trpcUrl = '';
let apiUrl = '';

async function serve(handle: http.RequestListener): Promise<string> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  t = await createTestEnv('query_lane');
  worker = await startWorker(t.services, testLog);
  const s = () => t.services;
  const lane = queryLane(s);
  laneUrl = await serve((req, res) => {
    void lane(req, res).then((answered) => {
      if (!answered) res.writeHead(599).end();
    });
  });
  trpcUrl = await serve((req, res) => {
    void handleTrpc(t.services, incomingMessageToRequest(req, res, { maxBodySize: null })).then(async (r) => {
      const body = Buffer.from(await r.arrayBuffer());
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        headers[k] = v;
      });
      res.writeHead(r.status, { ...headers, 'content-length': String(body.byteLength) }).end(body);
    });
  });
  apiUrl = await serve((req, res) => void apiRoutes(s)(req, res));
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await worker?.stop();
  await t?.cleanup();
});

const query = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`;

/** Status, body text and headers, without those that differ per response by nature. */
async function fetched(url: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { headers });
  const h: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive', 'x-correlation-id'].includes(k)) h[k] = v;
  });
  return { status: r.status, text: await r.text(), headers: h };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

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

  it("answers nothing that tRPC would refuse; through apiRoutes the refusal is tRPC's own", { timeout: 60_000 }, async () => {
    const analyst = await tokenFor(t.services, 'analyst');
    const admin = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'lane-admin', role: 'admin' });
    const summary = query('dashboard.summary');
    expect((await fetched(`${laneUrl}${summary}`, bearer(admin.token))).status).toBe(200); // the answer is cached now

    const refused: [string, Record<string, string>][] = [
      [summary, {}], // anonymous
      [summary, bearer('not-a-token')],
      [summary, { cookie: 'll_session=forged' }],
      [query('users.create', { email: 'get@example.test', name: 'Get' }), bearer(analyst)], // a mutation over GET
      [query('users.create', { email: 'get@example.test', name: 'Get' }), bearer(admin.token)],
      [query('ops.rebuildProjection', { name: 'user_profile' }), bearer(admin.token)],
      [query('users.profile', { userId: 'not-a-uuid' }), bearer(analyst)], // bad input
      [query('users.profile', { userId: '00000000-0000-4000-8000-000000000000' }), bearer(analyst)], // NOT_FOUND
      [`/api/trpc/dashboard.summary?input=${encodeURIComponent('{"json":')}`, bearer(analyst)], // unreadable input
      [`/api/trpc/dashboard.summary,session.me?batch=1`, bearer(analyst)], // a batch
      [`/api/trpc/no.such`, bearer(analyst)],
    ];
    for (const [path, headers] of refused) {
      expect((await fetched(`${laneUrl}${path}`, headers)).status, path).toBe(599);
      const viaApi = await fetched(`${apiUrl}${path}`, headers);
      const viaTrpc = await fetched(`${trpcUrl}${path}`, headers);
      expect(viaApi.status, path).toBe(viaTrpc.status);
      expect(viaApi.text, path).toBe(viaTrpc.text);
    }
    const created = await t.services.write.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users WHERE email = 'get@example.test'`;
    expect(created[0]?.n).toBe(0);

    // A token revoked after its answer was cached gets no answer from the lane.
    await revokeToken(t.services.write.db, admin.id);
    await t.services.principals.sync();
    expect((await fetched(`${laneUrl}${summary}`, bearer(admin.token))).status).toBe(599);
    expect((await fetched(`${apiUrl}${summary}`, bearer(admin.token))).status).toBe(401);
  });
});
