/**
 * A database that is down answers 503 SERVICE_UNAVAILABLE (retryable), not 500, and never carries
 * the query or its parameters: when the request is refused while authenticating (createContext)
 * and when a procedure's own query fails. The restart itself is in faults.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { UNAVAILABLE_MESSAGE } from '@/server/api/unavailable';
import { env } from '@/server/env';
import { createServices, type Services } from '@/server/services';
import { handleTrpc } from '@/server/http/trpc-handler';
import { apiRoutes } from '@/server/http/api-routes';
import { createFrontServer } from '@/server/http/front';
import { NO_PROXY } from '@/server/http/forwarded';
import { freePort } from './support/server';
import { deleteKeys } from '@/testkit/cleanup';

let s: Services;
const prefix = `lltest:unavailable:${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  // Nothing listens on this port: every connection is refused, as while Postgres restarts.
  const port = await freePort();
  s = createServices({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/ledgerline`, redisUrl: env().REDIS_URL, prefix, poolMax: 2 });
});
afterAll(async () => {
  await s?.close();
  await deleteKeys(env().REDIS_URL, prefix);
});

describe('Postgres unreachable', () => {
  it('a command over HTTP answers 503 SERVICE_UNAVAILABLE with a retryable message and no SQL', async () => {
    const req = new Request('http://localhost/api/trpc/users.create', {
      method: 'POST',
      headers: { authorization: 'Bearer llk_whatever', 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'down@example.test', name: 'Down', commandId: randomUUID() } }),
    });
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => createContext(s, req.headers),
    });
    const text = await res.text();
    expect(res.status).toBe(503);
    const body = JSON.parse(text) as { error: { json: { message: string; data: { code: string; httpStatus: number } } } };
    expect(body.error.json.message).toBe(UNAVAILABLE_MESSAGE);
    expect(body.error.json.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(text).not.toMatch(/select|insert|params/i);
  });

  it('a procedure whose query fails on a refused connection throws SERVICE_UNAVAILABLE to an in-process caller', async () => {
    const caller = appRouter.createCaller({
      services: s,
      headers: new Headers(),
      principal: { kind: 'token', id: randomUUID(), name: 'test', role: 'operator' },
    });
    const err = await caller.users.create({ email: 'down@example.test', name: 'Down' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE });
  });
});

describe('Postgres unreachable: every 503 says when to retry (Retry-After), on every path', () => {
  const command = (base: string) =>
    new Request(`${base}/api/trpc/users.create`, {
      method: 'POST',
      headers: { authorization: 'Bearer llk_whatever', 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'down@example.test', name: 'Down', commandId: randomUUID() } }),
    });

  it('the guarded tRPC handler (the Next route) answers 503 with Retry-After', async () => {
    const res = await handleTrpc(s, command('http://localhost'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the node:http front path: tRPC, /api/metrics and /api/health answer 503 with Retry-After', async () => {
    const front = createFrontServer({ trust: NO_PROXY, handle: apiRoutes(() => s) });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    try {
      const answers = {
        trpc: await fetch(command(base)),
        query: await fetch(`${base}/api/trpc/users.search?input=${encodeURIComponent(JSON.stringify({ json: { q: 'x' } }))}`, {
          headers: { authorization: 'Bearer llk_whatever' },
        }),
        metrics: await fetch(`${base}/api/metrics`, { headers: { authorization: 'Bearer llk_whatever' } }),
        health: await fetch(`${base}/api/health`),
      };
      for (const [what, res] of Object.entries(answers)) {
        expect({
          what,
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          nosniff: res.headers.get('x-content-type-options'),
        }).toEqual({ what, status: 503, retryAfter: '1', nosniff: 'nosniff' });
      }
      const body = (await answers.trpc.json()) as { error: { json: { data: { code: string } } } };
      expect(body.error.json.data.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
  });
});
