/**
 * Nobody gets in who does not belong (docs/architecture.md, invariant 6): every procedure of the router, enumerated from
 * appRouter._def.procedures so that a new one cannot be forgotten, refuses anonymous callers;
 * roles limit the mutations; revoked and altered tokens are refused; the session cookie works.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, type AppRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { createStaff, createToken, revokeToken, signIn, signOut, SESSION_COOKIE } from '@/server/auth/store';
import type { Role } from '@/server/auth/principal';
import { projectionNames } from '@/server/projections/registry';
import { anonymousCaller, callerFor, createTestEnv, serverEnv, tokenFor, type TestEnv } from './support/harness';
import { hasBuild, startServer } from './support/server';
import { codeOf, rowCounts } from './support/foundation';

let t: TestEnv;

beforeAll(async () => {
  t = await createTestEnv('api');
});
afterAll(async () => {
  await t?.cleanup();
});

type Caller = ReturnType<typeof appRouter.createCaller>;
const someId = '00000000-0000-4000-8000-000000000001';

/** A valid-looking input per procedure; a procedure missing here is still checked, with `{}`. */
const sampleInputs: Record<string, unknown> = {
  'users.create': { email: 'sample@example.com', name: 'Sample' },
  'users.updateEmail': { userId: someId, email: 'sample2@example.com' },
  'users.recordLogin': { userId: someId },
  'users.profile': { userId: someId },
  'users.search': { q: 'sam' },
  'users.orders': { userId: someId },
  'catalog.createProduct': { sku: 'SAMPLE-1', name: 'Sample', priceCents: 100, stock: 1 },
  'catalog.changePrice': { productId: someId, priceCents: 100 },
  'catalog.restock': { productId: someId, quantity: 1 },
  'catalog.products': {},
  'orders.place': { userId: someId, items: [{ productId: someId, quantity: 1 }], payment: { token: 'tok_ok' } },
  'orders.get': { orderId: someId },
  'orders.list': {},
  'reports.dailyRegistrations': { from: '2024-01-01', to: '2024-01-07' },
  'reports.revenue': { from: '2024-01-01', to: '2024-01-07' },
  'dashboard.summary': {},
  'orders.count': { status: 'completed', on: 'completed', from: '2024-01-01', to: '2024-01-07' },
  'analytics.kpis': { from: '2024-01-01', to: '2024-01-07' },
  'analytics.dayKpis': {},
  'analytics.funnel': { from: '2024-01-01', to: '2024-01-07' },
  'analytics.products': { from: '2024-01-01', to: '2024-01-07' },
  'analytics.productDaily': { productId: someId, from: '2024-01-01', to: '2024-01-07' },
  'analytics.cohorts': { from: '2024-01-01', to: '2024-01-07' },
  'ops.projections': {},
  'ops.events': {},
  'ops.alerts': {},
  'ops.loads': {},
  'ops.deadLetters': {},
  'ops.retryDeadLetter': { id: 1 },
  'ops.discardDeadLetter': { id: 1, confirm: 'discard 1' },
  'ops.rebuildProjection': { name: projectionNames[0] },
  'ops.resumeProjection': { name: projectionNames[0] },
  'session.me': undefined,
};

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: { safeParse?: (v: unknown) => { success: boolean } }[];
}
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>).map(([path, p]) => ({
  path,
  type: p._def.type,
  inputs: p._def.inputs,
}));
const mutations = procedures.filter((p) => p.type === 'mutation');
const queries = procedures.filter((p) => p.type === 'query');
const ADMIN_ONLY = ['ops.retryDeadLetter', 'ops.discardDeadLetter', 'ops.rebuildProjection', 'ops.resumeProjection'];

/** Calls a procedure of a caller by its dotted path, with its sample input. */
function call(caller: Caller, path: string): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  return fn(path in sampleInputs ? sampleInputs[path] : {});
}

async function callerWithHeaders(headers: Record<string, string>): Promise<Caller> {
  return appRouter.createCaller(await createContext(t.services, new Headers(headers)));
}
const bearer = (token: string) => callerWithHeaders({ authorization: `Bearer ${token}` });

describe('the router', () => {
  it('has the procedures of the contract (the enumeration below is not empty)', () => {
    const paths = procedures.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'users.create',
        'users.updateEmail',
        'users.recordLogin',
        'catalog.createProduct',
        'catalog.changePrice',
        'catalog.restock',
        'orders.place',
        'users.profile',
        'users.search',
        'orders.get',
        'ops.retryDeadLetter',
        'ops.rebuildProjection',
      ]),
    );
    expect(mutations.length).toBeGreaterThanOrEqual(9);
    expect(queries.length).toBeGreaterThanOrEqual(10);
  });

  it('every sample input is valid for its procedure, so a refusal below is about who calls, not what is sent', () => {
    for (const p of procedures) {
      if (!(p.path in sampleInputs)) continue;
      for (const parser of p.inputs) {
        expect(parser.safeParse?.(sampleInputs[p.path])?.success ?? true, `sample input of ${p.path}`).toBe(true);
      }
    }
  });
});

describe('anonymous callers', () => {
  it.each(procedures.map((p) => [p.path, p.type]))('%s (%s) → UNAUTHORIZED', async (path) => {
    const before = await rowCounts(t.services);
    expect(await codeOf(call(await anonymousCaller(t.services), path))).toBe('UNAUTHORIZED');
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it.each([
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a bearer that is not a token', { authorization: 'Bearer not-a-token' }],
    ['basic auth', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
    ['a cookie that is not a session', { cookie: `${SESSION_COOKIE}=lls_forged` }],
    ['another cookie only', { cookie: 'theme=dark' }],
  ])('with %s → UNAUTHORIZED', async (_, headers) => {
    expect(await codeOf((await callerWithHeaders(headers)).users.create({ email: 'anon@example.com', name: 'Anon' }))).toBe('UNAUTHORIZED');
  });
});

describe('roles', () => {
  it.each(mutations.map((p) => [p.path]))('analyst → FORBIDDEN on mutation %s, writing nothing', async (path) => {
    const analyst = await callerFor(t.services, 'analyst');
    const before = await rowCounts(t.services);
    expect(await codeOf(call(analyst, path))).toBe('FORBIDDEN');
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it.each(queries.map((p) => [p.path]))('analyst may run query %s', async (path) => {
    const analyst = await callerFor(t.services, 'analyst');
    expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(await codeOf(call(analyst, path)));
  });

  it.each(ADMIN_ONLY.map((p) => [p]))('operator → FORBIDDEN on %s; admin is let through', async (path) => {
    expect(mutations.map((m) => m.path)).toContain(path);
    expect(await codeOf(call(await callerFor(t.services, 'operator'), path))).toBe('FORBIDDEN');
    expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(await codeOf(call(await callerFor(t.services, 'admin'), path)));
  });

  it.each(mutations.filter((m) => !ADMIN_ONLY.includes(m.path)).map((p) => [p.path]))('operator may run command %s', async (path) => {
    const operator = await callerFor(t.services, 'operator');
    expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(await codeOf(call(operator, path)));
  });

  it('session.me names the caller and its role', async () => {
    for (const role of ['admin', 'operator', 'analyst'] as Role[]) {
      const { id, token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: `me-${role}`, role });
      expect(await (await bearer(token)).session.me()).toEqual({ id, name: `me-${role}`, role, kind: 'token' });
    }
  });
});

describe('API tokens', () => {
  it('a valid token works; once revoked it is UNAUTHORIZED', async () => {
    const { id, token } = await createToken(t.services.write.db, t.services.env.SESSION_SECRET, { name: 'to-revoke', role: 'operator' });
    const created = await (await bearer(token)).users.create({ email: 'byToken@example.com', name: 'By token' });
    const [event] = await t.services.write.sql`SELECT metadata->>'actor' AS actor FROM events WHERE position = ${created.position}`;
    expect(event?.actor).toBe(`token:${id}`);

    expect(await revokeToken(t.services.write.db, id)).toBe(true);
    const before = await rowCounts(t.services);
    expect(await codeOf((await bearer(token)).users.create({ email: 'afterRevoke@example.com', name: 'After' }))).toBe('UNAUTHORIZED');
    expect(await codeOf((await bearer(token)).users.profile({ userId: created.userId }))).toBe('UNAUTHORIZED');
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('a token with one character changed is UNAUTHORIZED (anywhere in it)', async () => {
    const token = await tokenFor(t.services, 'admin');
    expect(await codeOf((await bearer(token)).session.me())).toBe('OK');
    for (const at of [4, 20, token.length - 1]) {
      const c = token[at]!;
      const altered = token.slice(0, at) + (c === 'x' ? 'y' : 'x') + token.slice(at + 1);
      expect(altered).not.toBe(token);
      expect(await codeOf((await bearer(altered)).session.me())).toBe('UNAUTHORIZED');
      expect(await codeOf((await bearer(altered)).users.create({ email: `alt${at}@example.com`, name: 'Alt' }))).toBe('UNAUTHORIZED');
    }
    expect(await codeOf((await bearer(token.slice(0, -1))).session.me())).toBe('UNAUTHORIZED');
    expect(await codeOf((await bearer(`${token}x`)).session.me())).toBe('UNAUTHORIZED');
  });

  it('is stored only as a keyed hash', async () => {
    const token = await tokenFor(t.services, 'analyst', 'stored');
    const rows = await t.services.write.sql`SELECT token_hash FROM api_tokens WHERE name = 'stored'`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token.slice(4));
  });
});

describe('the staff session cookie', () => {
  const password = 'correct horse battery';
  let staffId: string;

  beforeAll(async () => {
    staffId = await createStaff(t.services.write.db, { email: 'Olivia@Example.com', name: 'Olivia', role: 'operator', password });
    await createStaff(t.services.write.db, { email: 'andy@example.com', name: 'Andy', role: 'analyst', password });
  });

  const cookieFor = (secret: string) => ({ cookie: `theme=dark; ${SESSION_COOKIE}=${encodeURIComponent(secret)}; other=1` });

  it('signIn then the cookie authenticates: session.me, a query and a command, recorded as the staff member', async () => {
    const session = await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'olivia@example.com', password);
    expect(session).not.toBeNull();
    const caller = await callerWithHeaders(cookieFor(session!.secret));
    expect(await caller.session.me()).toMatchObject({ id: staffId, role: 'operator', kind: 'staff' });
    const { userId, position } = await caller.users.create({ email: 'viaCookie@example.com', name: 'Via cookie' });
    const [event] = await t.services.write.sql`SELECT metadata->>'actor' AS actor FROM events WHERE position = ${position}`;
    expect(event?.actor).toBe(`staff:${staffId}`);
    expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(await codeOf(caller.users.profile({ userId })));
    expect(await codeOf(caller.ops.rebuildProjection({ name: projectionNames[0]! }))).toBe('FORBIDDEN');
  });

  it('an analyst session may read but not command', async () => {
    const session = await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'andy@example.com', password);
    const caller = await callerWithHeaders(cookieFor(session!.secret));
    expect(await caller.session.me()).toMatchObject({ role: 'analyst', kind: 'staff' });
    expect(await codeOf(caller.users.create({ email: 'andy-made@example.com', name: 'No' }))).toBe('FORBIDDEN');
  });

  it('a wrong password or an unknown email opens no session', async () => {
    expect(await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'olivia@example.com', 'wrong password')).toBeNull();
    expect(await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'nobody@example.com', password)).toBeNull();
  });

  it('an altered, signed-out or expired session is UNAUTHORIZED', async () => {
    const key = t.services.env.SESSION_SECRET;
    const a = (await signIn(t.services.write.db, key, 'olivia@example.com', password))!;
    const altered = a.secret.slice(0, -1) + (a.secret.endsWith('A') ? 'B' : 'A');
    expect(await codeOf((await callerWithHeaders(cookieFor(altered))).session.me())).toBe('UNAUTHORIZED');

    await signOut(t.services.write.db, key, a.secret);
    expect(await codeOf((await callerWithHeaders(cookieFor(a.secret))).session.me())).toBe('UNAUTHORIZED');

    const b = (await signIn(t.services.write.db, key, 'olivia@example.com', password))!;
    expect(await codeOf((await callerWithHeaders(cookieFor(b.secret))).session.me())).toBe('OK');
    await t.services.write.sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE staff_id = ${staffId}`;
    // The sessions trigger announces the shortened session (NOTIFY); wait until this process heard it.
    await t.services.principals.sync();
    expect(await codeOf((await callerWithHeaders(cookieFor(b.secret))).users.create({ email: 'expired@example.com', name: 'Exp' }))).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('over HTTP (tRPC standalone adapter in this process, superjson)', () => {
  let server: ReturnType<typeof createHTTPServer>;
  let base: string;

  beforeAll(async () => {
    server = createHTTPServer({
      router: appRouter,
      basePath: '/api/trpc/',
      createContext: ({ req }) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        return createContext(t.services, headers);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (headers: Record<string, string> = {}) =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: base, transformer: superjson, headers })] });
  const httpError = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCClientError);
    return (err as TRPCClientError<AppRouter>).data;
  };

  it('anonymous → 401 UNAUTHORIZED, analyst → 403 FORBIDDEN, operator → the command runs', async () => {
    expect(await httpError(client().users.create.mutate({ email: 'http@example.com', name: 'HTTP' }))).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    const analyst = await tokenFor(t.services, 'analyst');
    expect(
      await httpError(client({ authorization: `Bearer ${analyst}` }).users.create.mutate({ email: 'http@example.com', name: 'HTTP' })),
    ).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    const operator = await tokenFor(t.services, 'operator');
    const created = await client({ authorization: `Bearer ${operator}` }).users.create.mutate({
      email: 'http@example.com',
      name: 'HTTP',
      commandId: randomUUID(),
    });
    expect(created).toMatchObject({ userId: expect.any(String), position: expect.any(Number) });
    expect(
      await httpError(client({ authorization: `Bearer ${operator}` }).users.create.mutate({ email: 'HTTP@example.com', name: 'Again' })),
    ).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
  });

  it('an unexpected failure answers 500 without the SQL or its parameters', async () => {
    await t.services.write.sql.unsafe(`
      CREATE FUNCTION api_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER api_test_fail BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION api_test_fail();`);
    try {
      const operator = await tokenFor(t.services, 'operator');
      const res = await fetch(`${base}/users.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        body: JSON.stringify({ json: { email: 'secret.person@example.com', name: 'Secret' } }),
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('INTERNAL_SERVER_ERROR');
      expect(text).not.toMatch(/secret\.person|INSERT INTO|Failed query|params/i);
    } finally {
      await t.services.write.sql.unsafe('DROP TRIGGER api_test_fail ON events; DROP FUNCTION api_test_fail();');
    }
  });

  it('a raw fetch with the session cookie is let through', async () => {
    const session = (await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'olivia@example.com', 'correct horse battery'))!;
    const res = await fetch(`${base}/session.me`, { headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(session.secret)}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { data: { json: { role: 'operator', kind: 'staff' } } } });
    const anonymous = await fetch(`${base}/session.me`);
    expect(anonymous.status).toBe(401);
  });
});

describe('over HTTP against `npm start` (needs a production build)', () => {
  it.skipIf(!hasBuild())(
    'the built web tier refuses anonymous commands and accepts a token',
    async () => {
      const server = await startServer(serverEnv(t), 90_000);
      try {
        const post = (path: string, input: unknown, headers: Record<string, string> = {}) =>
          fetch(`${server.url}/api/trpc/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ json: input }),
          });
        const anonymous = await post('users.create', { email: 'next@example.com', name: 'Next' });
        expect(anonymous.status).toBe(401);
        const token = await tokenFor(t.services, 'operator');
        const ok = await post('users.create', { email: 'next@example.com', name: 'Next' }, { authorization: `Bearer ${token}` });
        expect(ok.status, await ok.clone().text()).toBe(200);
        expect(await ok.json()).toMatchObject({ result: { data: { json: { userId: expect.any(String) } } } });
        // The API is served uncompressed by the node:http front; other paths are Next's.
        const summary = await fetch(`${server.url}/api/trpc/dashboard.summary`, {
          headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
        });
        expect(summary.status).toBe(200);
        expect(summary.headers.get('content-encoding')).toBeNull();
        const ping = await fetch(`${server.url}/api/bench-ping`);
        expect(ping.status).toBe(200);
        expect(await ping.json()).toEqual({ ok: true });
        expect((await fetch(`${server.url}/sign-in`)).status).toBe(200);
      } finally {
        await server.stop();
      }
    },
    120_000,
  );
});
