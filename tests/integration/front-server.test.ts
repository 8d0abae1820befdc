/**
 * The node:http front server of `npm start` (server/http/front.ts), in this process and without
 * Next: the API routes it answers itself, and two instances (each with its own Services, pools and
 * LISTEN) where a revocation in one is refused by the other over HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '@/server/services';
import { createToken, revokeToken } from '@/server/auth/store';
import { apiRoutes } from '@/server/http/api-routes';
import { createTestEnv, type TestEnv } from './support/harness';

let t: TestEnv;
const instances: { services: Services; server: http.Server; url: string }[] = [];

async function instance(name: string) {
  const services = createServices({ databaseUrl: t.url, redisUrl: t.services.redisUrl, prefix: t.prefix, poolMax: 2, appName: name, principalTtlMs: 60_000 });
  const server = http.createServer((req, res) => void apiRoutes(() => services)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const it = { services, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  instances.push(it);
  return it;
}

beforeAll(async () => { t = await createTestEnv('front_server'); });
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
      method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'front@example.com', name: 'Front' } }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ result: { data: { json: { userId: expect.any(String), position: expect.any(Number) } } } });
    const bad = await fetch(`${web.url}/api/trpc/users.create`, {
      method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ json: { email: 'not an email' } }),
    });
    expect(bad.status).toBe(400);
  });

  it('answers /api/health (GET and HEAD only) and /api/metrics (signed in only)', async () => {
    const web = instances[0] ?? await instance('ll-test-front-1');
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
    const one = instances[0] ?? await instance('ll-test-front-1');
    const two = await instance('ll-test-front-2');
    const { id, token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'two-instances', role: 'operator' });
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
