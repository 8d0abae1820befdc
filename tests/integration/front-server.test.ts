/**
 * The node:http front server of `npm start` (server/http/front.ts), in this process and without
 * Next: the API routes it answers itself, and two instances (each with its own Services, pools and
 * LISTEN) where a revocation in one is refused by the other over HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '@/server/services';
import { createStaff, createToken, revokeToken, SESSION_COOKIE, signIn } from '@/server/auth/store';
import { apiRoutes } from '@/server/http/api-routes';
import { accessLogger, createFrontServer, type Handle } from '@/server/http/front';
import { parseTrustedProxies } from '@/server/http/forwarded';
import { API_CSP } from '@/server/http/security-headers';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';
import { rowCounts } from './support/foundation';

let t: TestEnv;
const instances: { services: Services; server: http.Server; url: string }[] = [];

async function instance(name: string) {
  const services = createServices({
    databaseUrl: t.url,
    redisUrl: t.services.redisUrl,
    prefix: t.prefix,
    poolMax: 2,
    appName: name,
    principalTtlMs: 60_000,
  });
  const server = http.createServer((req, res) => void apiRoutes(() => services)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const it = { services, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  instances.push(it);
  return it;
}

beforeAll(async () => {
  t = await createTestEnv('front_server');
});
afterAll(async () => {
  for (const i of instances) {
    i.server.closeAllConnections();
    await new Promise((resolve) => i.server.close(resolve));
    await i.services.close();
  }
  await t?.cleanup();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, br' });

describe('the node:http front server', () => {
  it('serves tRPC with superjson, uncompressed, with the same auth answers', async () => {
    const web = await instance('ll-test-front-1');
    expect((await fetch(`${web.url}/api/trpc/session.me`)).status).toBe(401);
    const { token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'front', role: 'operator' });
    const me = await fetch(`${web.url}/api/trpc/session.me`, { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(me.headers.get('content-encoding')).toBeNull();
    expect(await me.json()).toMatchObject({ result: { data: { json: { kind: 'token', role: 'operator' } } } });
    const created = await fetch(`${web.url}/api/trpc/users.create`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'front@example.com', name: 'Front' } }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      result: { data: { json: { userId: expect.any(String), position: expect.any(Number) } } },
    });
    const bad = await fetch(`${web.url}/api/trpc/users.create`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'not an email' } }),
    });
    expect(bad.status).toBe(400);
  });

  it('answers /api/health (GET and HEAD only) and /api/metrics (signed in only)', async () => {
    const web = instances[0] ?? (await instance('ll-test-front-1'));
    const health = await fetch(`${web.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, db: true, redis: true });
    expect((await fetch(`${web.url}/api/health`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${web.url}/api/health`, { method: 'POST' })).status).toBe(405);
    const anonymous = await fetch(`${web.url}/api/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const { token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'scraper', role: 'analyst' });
    const scraped = await fetch(`${web.url}/api/metrics`, { headers: bearer(token) });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('ledgerline_projection_lag_events');
    expect((await fetch(`${web.url}/no-such-page`)).status).toBe(404); // no Next handler in this test
  });

  it('a token revoked through one instance is refused by the other, with no TTL wait', async () => {
    const one = instances[0] ?? (await instance('ll-test-front-1'));
    const two = await instance('ll-test-front-2');
    const { id, token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, {
      name: 'two-instances',
      role: 'operator',
    });
    for (const web of [one, two]) expect((await fetch(`${web.url}/api/trpc/session.me`, { headers: bearer(token) })).status).toBe(200);
    const lookups = two.services.principals.lookups;
    expect((await fetch(`${two.url}/api/trpc/session.me`, { headers: bearer(token) })).status).toBe(200);
    expect(two.services.principals.lookups).toBe(lookups); // served from memory
    expect(await revokeToken(one.services.write.db, id)).toBe(true);
    expect((await fetch(`${one.url}/api/trpc/session.me`, { headers: bearer(token) })).status).toBe(401);
    await two.services.principals.sync();
    expect((await fetch(`${two.url}/api/trpc/session.me`, { headers: bearer(token) })).status).toBe(401);
  });
});

/** One request over a raw socket that may send less body than it declares: the answer must not wait for the rest. */
function rawRequest(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; send?: (req: http.ClientRequest) => Promise<void> },
) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${url}${opts.path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    if (opts.send) void opts.send(req).catch(() => undefined);
    else req.end();
  });
}

/** Writes `bytes` in 64 KB chunks, honouring backpressure, and never ends the request. */
async function writeWithoutEnd(req: http.ClientRequest, bytes: number) {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  for (let sent = 0; sent < bytes && !req.destroyed; sent += chunk.byteLength) {
    if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
  }
}

describe('the front server: no answer escapes the security headers (Also; findings 4 and 5)', () => {
  let front: http.Server;
  let url: string;
  let token: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const web = instances[0] ?? (await instance('ll-test-front-1'));
    const { token: tk } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'headers', role: 'operator' });
    token = tk;
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const next: Handle = (req, res) => {
      if (req.url === '/boom') throw new Error('a page failed');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>');
    };
    front = createFrontServer({
      trust: parseTrustedProxies(undefined),
      handle: apiRoutes(() => web.services, next),
      log: accessLogger(pino(sink)),
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    front?.closeAllConnections();
    await new Promise((resolve) => front?.close(resolve));
  });

  const expectBaseHeaders = (what: string, h: http.IncomingHttpHeaders) => {
    expect({
      what,
      nosniff: h['x-content-type-options'],
      frame: h['x-frame-options'],
      referrer: h['referrer-policy'],
      coop: h['cross-origin-opener-policy'],
    }).toEqual({ what, nosniff: 'nosniff', frame: 'DENY', referrer: 'strict-origin-when-cross-origin', coop: 'same-origin' });
  };

  it('API, health, metrics, 404, 405, a page, a failed handler, 413: every answer carries them', async () => {
    const answers = {
      'tRPC 200': await rawRequest(url, { path: '/api/trpc/session.me', headers: { authorization: `Bearer ${token}` } }),
      'tRPC 401': await rawRequest(url, { path: '/api/trpc/session.me' }),
      health: await rawRequest(url, { path: '/api/health' }),
      'metrics 401': await rawRequest(url, { path: '/api/metrics' }),
      'metrics 200': await rawRequest(url, { path: '/api/metrics', headers: { authorization: `Bearer ${token}` } }),
      'health 405': await rawRequest(url, { method: 'POST', path: '/api/health' }),
      page: await rawRequest(url, { path: '/orders' }),
      'handler failed': await rawRequest(url, { path: '/boom' }),
      'tRPC 413': await rawRequest(url, {
        method: 'POST',
        path: '/api/trpc/users.create',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 },
        send: (req) => writeWithoutEnd(req, 64 * 1024),
      }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
      'tRPC 200': 200,
      'tRPC 401': 401,
      health: 200,
      'metrics 401': 401,
      'metrics 200': 200,
      'health 405': 405,
      page: 200,
      'handler failed': 500,
      'tRPC 413': 413,
    });
    for (const [what, a] of Object.entries(answers)) expectBaseHeaders(what, a.headers);
    // The front's own answers (and the API's) render nothing: the no-content policy.
    for (const what of [
      'tRPC 200',
      'tRPC 401',
      'health',
      'metrics 401',
      'metrics 200',
      'health 405',
      'handler failed',
      'tRPC 413',
    ] as const) {
      expect([what, answers[what].headers['content-security-policy']]).toEqual([what, API_CSP]);
    }
    expect(answers['handler failed'].body).not.toContain('a page failed');
  });

  it('a cookie-authenticated command from another site is refused (403) on this path too, and writes nothing', async () => {
    await createStaff(t.services.write.db, { email: 'front-csrf@example.com', role: 'admin', password: 'correct horse battery' });
    const session = (await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'front-csrf@example.com', 'correct horse battery'))!;
    const cookie = `${SESSION_COOKIE}=${encodeURIComponent(session.secret)}`;
    const body = JSON.stringify({ json: { email: `csrf-${Date.now()}@example.com`, name: 'Csrf' } });
    const send = (origin: string) =>
      rawRequest(url, {
        method: 'POST',
        path: '/api/trpc/users.create',
        headers: { cookie, origin, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        send: async (req) => {
          req.end(body);
        },
      });
    const before = await rowCounts(t.services);
    const foreign = await send('https://evil.example');
    expect(foreign.status).toBe(403);
    expectBaseHeaders('csrf 403', foreign.headers);
    expect(await rowCounts(t.services)).toEqual(before);
    expect((await send(new URL(url).origin)).status).toBe(200);
  });

  it('a request Node cannot parse (headers over 16 KB) is answered 431 with the same headers', async () => {
    const a = await rawRequest(url, { path: '/api/trpc/session.me', headers: { 'x-filler': 'a'.repeat(20 * 1024) } });
    expect(a.status).toBe(431);
    expectBaseHeaders('431', a.headers);
    expect(a.headers['content-security-policy']).toBe(API_CSP);
  });

  it('a tRPC body declared over 1 MB is refused with 413 before the rest of it is sent', async () => {
    const a = await rawRequest(url, {
      method: 'POST',
      path: '/api/trpc/users.create',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 },
      send: (req) => writeWithoutEnd(req, 64 * 1024), // never the other 9.9 MB: an answer proves the server did not wait for them
    });
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(a.headers.connection).toBe('close');
  });

  it('a chunked tRPC body is refused with 413 once it passes 1 MB, without waiting for its end', async () => {
    const a = await rawRequest(url, {
      method: 'POST',
      path: '/api/trpc/users.create',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      send: (req) => writeWithoutEnd(req, 3 * 1024 * 1024), // never ended
    });
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expectBaseHeaders('chunked 413', a.headers);
  });

  it('the access log: one line per request with method, path, status, duration, principal and correlation id; no query, no token', async () => {
    lines.length = 0;
    const input = encodeURIComponent(JSON.stringify({ json: { q: 'private.person@example.com' } }));
    const a = await rawRequest(url, {
      path: `/api/trpc/users.search?input=${input}`,
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'corr-access-1' },
    });
    expect(a.status).toBe(200);
    expect(a.headers['x-correlation-id']).toBe('corr-access-1');
    await eventually('the access log line', async () => lines.length > 0, { everyMs: 10 }); // written when the response closes
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      method: 'GET',
      path: '/api/trpc/users.search',
      status: 200,
      correlationId: 'corr-access-1',
      principalId: expect.any(String),
    });
    expect(typeof line.ms).toBe('number');
    expect(lines[0]).not.toMatch(/private\.person|example\.com|llk_|authorization|input=/i);
  });
});
