/**
 * Finding 4 (security headers) where the front server does not set them itself: every page and
 * route through Next's proxy.ts (a per-request script nonce for pages, the no-content policy for
 * routes, HSTS only over https), X-Powered-By off, and the queue board with its own policy.
 * Finding 7 on the board: a cookie-authenticated write needs this site's Origin and a JSON body.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStaff, signIn, SESSION_COOKIE } from '@/server/auth/store';
import { API_CSP, BOARD_CSP } from '@/server/http/security-headers';
import type { Services } from '@/server/services';
import { proxy } from '@/proxy';
import { createTestEnv, type TestEnv } from './support/harness';
import { root } from './support/server';

let t: TestEnv;
// The board route reaches the process's services: in this test, this test's own database and Redis prefix.
vi.mock('@/server/services', async (original) => ({ ...(await original<object>()), services: (): Services => t.services }));
const { GET: boardGet, POST: boardPost } = await import('@/app/admin/queues/[[...path]]/route');

let cookie: string;
const ORIGIN = 'http://portal.test';
beforeAll(async () => {
  t = await createTestEnv('headers_board');
  await createStaff(t.services.write.db, { email: 'board@example.com', role: 'admin', password: 'correct horse battery' });
  const session = (await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'board@example.com', 'correct horse battery'))!;
  cookie = `${SESSION_COOKIE}=${encodeURIComponent(session.secret)}`;
});
afterAll(async () => {
  await t?.cleanup();
});

const base = (h: Headers) => ({
  nosniff: h.get('x-content-type-options'),
  frame: h.get('x-frame-options'),
  referrer: h.get('referrer-policy'),
  hsts: h.get('strict-transport-security'),
});
const BASE_HTTP = { nosniff: 'nosniff', frame: 'DENY', referrer: 'strict-origin-when-cross-origin', hsts: null };

describe('proxy.ts: pages and routes through Next (finding 4)', () => {
  it('a page gets a CSP with a fresh script nonce, frame-ancestors none, and the base headers; no HSTS over http', () => {
    const one = proxy(new NextRequest(`${ORIGIN}/orders`));
    const two = proxy(new NextRequest(`${ORIGIN}/orders`));
    const csp = one.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(two.headers.get('content-security-policy')).not.toContain(nonce);
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    for (const d of ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(base(one.headers)).toEqual(BASE_HTTP);
  });

  it('a route under /api gets the no-content policy; over https (said by the front) HSTS too', () => {
    const api = proxy(new NextRequest(`${ORIGIN}/api/auth/sign-in`, { headers: { 'x-forwarded-proto': 'https' } }));
    expect(api.headers.get('content-security-policy')).toBe(API_CSP);
    expect(base(api.headers)).toEqual({ ...BASE_HTTP, hsts: 'max-age=31536000; includeSubDomains' });
  });

  it('Next sends no X-Powered-By', async () => {
    // next.config.js is plain JavaScript with no declarations: read it as Next does, at run time.
    const { default: nextConfig } = (await import(/* @vite-ignore */ pathToFileURL(path.join(root, 'next.config.js')).href)) as {
      default: { poweredByHeader?: boolean };
    };
    expect(nextConfig.poweredByHeader).toBe(false);
  });
});

describe('the queue board (findings 4 and 7)', () => {
  const board = (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) =>
    (method === 'GET' ? boardGet : boardPost)(
      new Request(`${ORIGIN}${path}`, { method, headers: { host: 'portal.test', ...headers }, body }),
    );

  it('every board answer carries its own CSP and the base headers: the page, a redirect to sign in, a refusal', async () => {
    const answers = {
      page: await board('GET', '/admin/queues', { cookie }),
      'signed out': await board('GET', '/admin/queues', {}),
      'foreign origin': await board(
        'POST',
        '/admin/queues/api/queues/pause',
        { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        '{}',
      ),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]))).toEqual({
      page: 200,
      'signed out': 302,
      'foreign origin': 403,
    });
    for (const [what, r] of Object.entries(answers)) {
      expect({ what, csp: r.headers.get('content-security-policy'), ...base(r.headers) }).toEqual({ what, csp: BOARD_CSP, ...BASE_HTTP });
    }
  });

  it('a cookie-authenticated write from another site, or with a text/plain or form body, is refused with 403', async () => {
    const refused = [
      await board(
        'POST',
        '/admin/queues/api/queues/pause',
        { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        '{}',
      ),
      await board('POST', '/admin/queues/api/queues/pause', { cookie, 'content-type': 'application/json' }, '{}'), // no Origin at all
      await board('POST', '/admin/queues/api/queues/pause', { cookie, origin: ORIGIN, 'content-type': 'text/plain' }, '{}'),
      await board(
        'POST',
        '/admin/queues/api/queues/pause',
        { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        'a=1',
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    // The same admin, from this site with JSON, gets through to the board (its own answer, not our 403).
    const allowed = await board(
      'POST',
      '/admin/queues/api/queues/pause',
      { cookie, origin: ORIGIN, 'content-type': 'application/json' },
      '{}',
    );
    expect(allowed.status).not.toBe(403);
  });
});
