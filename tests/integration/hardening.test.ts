/**
 * The hardening review's findings, each as a user or an attacker would try it, through the same
 * handlers the web tier serves (/api/trpc and /api/auth/sign-in as fetch handlers).
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, signIn, SESSION_COOKIE } from '@/server/auth/store';
import { handleTrpc } from '@/server/http/trpc-handler';
import { handleSignIn } from '@/server/http/sign-in';
import { createFrontServer } from '@/server/http/front';
import { parseTrustedProxies } from '@/server/http/forwarded';
import { clientIp } from '@/lib/server/request-info';
import { createTestEnv, tokenFor, type TestEnv } from './support/harness';
import { rowCounts } from './support/foundation';

let t: TestEnv;
let adminToken: string;
let cookie: string;
const ORIGIN = 'http://portal.test';
const password = 'correct horse battery';

beforeAll(async () => {
  t = await createTestEnv('hardening');
  adminToken = await tokenFor(t.services, 'admin');
  await createStaff(t.services.write.db, { email: 'ops@example.com', role: 'admin', password });
  const session = (await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'ops@example.com', password))!;
  cookie = `${SESSION_COOKIE}=${encodeURIComponent(session.secret)}`;
});
afterAll(async () => {
  await t?.cleanup();
});

const trpc = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  handleTrpc(t.services, new Request(`${ORIGIN}/api/trpc/${path}`, { ...init, headers: { host: 'portal.test', ...init.headers } }));
const post = (path: string, input: unknown, headers: Record<string, string>) =>
  trpc(path, { method: 'POST', body: JSON.stringify({ json: input }), headers: { 'content-type': 'application/json', ...headers } });
const get = (path: string, input: unknown, headers: Record<string, string> = { authorization: `Bearer ${adminToken}` }) =>
  trpc(`${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers });
const bearer = () => ({ authorization: `Bearer ${adminToken}` });
const errorOf = async (res: Response) => {
  const body = (await res.json()) as { error?: { message?: string; json?: { message?: string; data?: { code?: string } } } };
  return { status: res.status, message: body.error?.json?.message ?? body.error?.message ?? '', code: body.error?.json?.data?.code };
};

describe('finding 5: request limits', () => {
  it('a 2 MB tRPC body declared in Content-Length is refused with 413 before it is read', async () => {
    const before = await rowCounts(t.services);
    const res = await post('users.create', { email: 'big@example.com', name: 'x'.repeat(2 * 1024 * 1024) }, bearer());
    expect(res.status).toBe(413);
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('a chunked body with no Content-Length is cut off at 1 MB: 413', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > 3 * 1024 * 1024) c.close();
        else {
          sent += 64 * 1024;
          c.enqueue(new Uint8Array(64 * 1024).fill(32));
        }
      },
    });
    const res = await handleTrpc(
      t.services,
      new Request(`${ORIGIN}/api/trpc/users.create`, {
        method: 'POST',
        body,
        headers: { ...bearer(), 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024); // it stopped reading, it did not drain 3 MB
  });

  it('a 10 MB anonymous sign-in body is refused with 413 (limit 8 KB)', async () => {
    const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(10 * 1024 * 1024) });
    const res = await handleSignIn(
      t.services,
      new Request(`${ORIGIN}/api/auth/sign-in`, {
        method: 'POST',
        body: big,
        headers: { host: 'portal.test', 'content-type': 'application/json', accept: 'application/json' },
      }),
    );
    expect(res.status).toBe(413);
  });

  it('a batch of 200 calls is refused with 400; a batch of 3 is answered', async () => {
    const paths = Array.from({ length: 200 }, () => 'session.me').join(',');
    const inputs = encodeURIComponent(JSON.stringify({}));
    const big = await trpc(`${paths}?batch=1&input=${inputs}`, { headers: bearer() });
    expect(big.status).toBe(400);
    const small = await trpc(`session.me,session.me,session.me?batch=1&input=${inputs}`, { headers: bearer() });
    expect(small.status).toBe(200);
  });
});

describe('finding 7: CSRF', () => {
  it('a cookie-authenticated users.create with a foreign Origin is refused (403) and writes nothing', async () => {
    const before = await rowCounts(t.services);
    const res = await post('users.create', { email: 'csrf@example.com', name: 'CSRF' }, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const noOrigin = await post('users.create', { email: 'csrf@example.com', name: 'CSRF' }, { cookie });
    expect(noOrigin.status).toBe(403);
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('the same call from this site runs; a Bearer call from anywhere runs', async () => {
    expect((await post('users.create', { email: 'same@example.com', name: 'Same' }, { cookie, origin: ORIGIN })).status).toBe(200);
    expect(
      (await post('users.create', { email: 'bearer@example.com', name: 'Bearer' }, { ...bearer(), origin: 'https://elsewhere.example' }))
        .status,
    ).toBe(200);
  });
});

describe('finding 6: bad input is a 400 with a message, never a 500', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    ['users.search', { q: 'a', cursor: '!!!not-base64!!!' }],
    ['users.search', { q: 'a', cursor: b64({ not: 'an array' }) }],
    ['users.search', { q: 'a', cursor: b64([1, 'not-a-uuid']) }],
    ['orders.list', { cursor: b64(['not a time', randomUUID()]) }],
    ['orders.list', { cursor: b64(['2024-13-45T99:99:99Z', randomUUID()]) }],
    ['orders.list', { cursor: b64([1]) }],
    ['ops.events', { cursor: b64(['x']) }],
    ['users.search', { q: 'a\u0000b' }],
    ['ops.events', { streamId: 'order-\u0000' }],
  ])('%s %j → 400', async (path, input) => {
    const { status, message, code } = await errorOf(await get(path, input));
    expect(status).toBe(400);
    expect(code).toBe('BAD_REQUEST');
    expect(message.length).toBeGreaterThan(10);
  });

  it.each([
    ['a NUL in a name', 'Ada\u0000Lovelace', /NUL/],
    ['a lone surrogate in a name', 'Ada \uD800', /broken character/],
  ])('%s → 400 naming the field, nothing written', async (_, name, message) => {
    const before = await rowCounts(t.services);
    const { status, message: m } = await errorOf(await post('users.create', { email: `${randomUUID()}@example.com`, name }, bearer()));
    expect(status).toBe(400);
    expect(m).toMatch(/^name: /);
    expect(m).toMatch(message);
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('a NUL in the sign-in email → 400 with a message', async () => {
    const res = await handleSignIn(
      t.services,
      new Request(`${ORIGIN}/api/auth/sign-in`, {
        method: 'POST',
        body: JSON.stringify({ email: 'ops@example.com\u0000', password }),
        headers: { host: 'portal.test', 'content-type': 'application/json', accept: 'application/json' },
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/control character/);
  });
});

describe('finding 10: deep nesting', () => {
  it('a deeply nested input gets a generic 400, not "Maximum call stack size exceeded"', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await trpc('users.create', {
      method: 'POST',
      body: `{"json":${deep}}`,
      headers: { ...bearer(), 'content-type': 'application/json' },
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toMatch(/nested too deeply/);
    expect(text).not.toMatch(/call stack/i);
  });
});

describe('finding 2: the client address', () => {
  async function seenAddress(trust: string | undefined, xff?: string): Promise<string> {
    const server = createFrontServer({
      trust: parseTrustedProxies(trust),
      handle: (req, res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        res.end(clientIp(new Request('http://x/', { headers })));
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      return await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: xff ? { 'x-forwarded-for': xff } : {} }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  it('with no trusted proxy, a forged X-Forwarded-For is ignored: the socket address counts', async () => {
    expect(await seenAddress(undefined, '198.51.100.1')).toBe('127.0.0.1');
    expect(await seenAddress(undefined, '198.51.100.2, 198.51.100.3')).toBe('127.0.0.1');
    expect(await seenAddress(undefined)).toBe('127.0.0.1');
  });

  it('behind a trusted proxy (by address or hop count), the entry that proxy added counts, not the ones before', async () => {
    expect(await seenAddress('127.0.0.1', 'forged, 203.0.113.5')).toBe('203.0.113.5');
    expect(await seenAddress('1', 'forged, 203.0.113.6')).toBe('203.0.113.6');
    expect(await seenAddress('10.0.0.0/8', '203.0.113.7')).toBe('127.0.0.1'); // the peer is not that proxy
  });
});
