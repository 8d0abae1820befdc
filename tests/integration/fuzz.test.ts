/**
 * Property-based fuzzing of every procedure of the router (finding 6), enumerated from
 * appRouter._def.procedures so a new procedure is fuzzed too. Inputs are valid shapes with one
 * field replaced by an edge value (NUL, lone surrogates, RTL marks, 10k characters, numbers at the
 * limits, wrong types), or arbitrary JSON. Every answer must be 2xx or 4xx, never 5xx, and a 4xx
 * must leave every write table as it was. Fixed seed, bounded runs, so CI replays the same cases.
 */
import fc from 'fast-check';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { handleTrpc } from '@/server/http/trpc-handler';
import { projectionNames } from '@/server/projections/registry';
import { createTestEnv, tokenFor, type TestEnv } from './support/harness';
import { rowCounts } from './support/foundation';

const SEED = 20261129;
const RUNS_PER_PROCEDURE = 12;

let t: TestEnv;
let token: string;
beforeAll(async () => {
  t = await createTestEnv('fuzz');
  token = await tokenFor(t.services, 'admin');
});
afterAll(async () => {
  await t?.cleanup();
});

const someId = '00000000-0000-4000-8000-000000000001';
/** A valid-looking input per procedure (as in api.test.ts); one without an entry is fuzzed from `{}`. */
const samples: Record<string, Record<string, unknown> | undefined> = {
  'users.create': { email: 'fuzz@example.com', name: 'Fuzz' },
  'users.updateEmail': { userId: someId, email: 'fuzz2@example.com' },
  'users.recordLogin': { userId: someId },
  'users.profile': { userId: someId },
  'users.search': { q: 'fu', limit: 10 },
  'users.orders': { userId: someId },
  'catalog.createProduct': { sku: 'FUZZ-1', name: 'Fuzz', priceCents: 100, stock: 1 },
  'catalog.changePrice': { productId: someId, priceCents: 100 },
  'catalog.restock': { productId: someId, quantity: 1 },
  'catalog.products': { q: 'f' },
  'orders.place': { userId: someId, items: [{ productId: someId, quantity: 1 }], payment: { token: 'tok_ok' } },
  'orders.get': { orderId: someId },
  'orders.list': { status: 'pending' },
  'reports.dailyRegistrations': { from: '2024-01-01', to: '2024-01-07' },
  'reports.revenue': { from: '2024-01-01', to: '2024-01-07' },
  'ops.events': { streamId: 'order-x', limit: 5 },
  'ops.retryDeadLetter': { id: 1 },
  'ops.rebuildProjection': { name: projectionNames[0] },
  'ops.resumeProjection': { name: projectionNames[0] },
};

const edgeString = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\u202Eevil\u202C',
  '\u200F\u200E',
  'x'.repeat(10_000),
  '💥🧨',
  "' OR 1=1 --",
  '%_\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '   ',
  'null',
  '{"a":1}',
);
const edgeNumber = fc.constantFrom(
  0,
  -1,
  1,
  2 ** 31,
  -(2 ** 31),
  2 ** 31 - 1,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  0.5,
  -0,
);
const edgeValue = fc.oneof(
  edgeString,
  edgeNumber,
  fc.constantFrom(null, true, [], {}, [1, 2], { a: '\u0000' }),
  fc.string({ maxLength: 50 }),
  fc.integer(),
);

/** A sample with one field (possibly nested one level, possibly new) replaced by an edge value; or arbitrary JSON. */
function inputs(sample: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const base = sample ?? {};
  const keys = Object.keys(base);
  const mutated = fc.tuple(fc.constantFrom(...(keys.length ? keys : ['x']), 'extra'), edgeValue).map(([k, v]) => {
    const out: Record<string, unknown> = structuredClone(base);
    const current = out[k];
    if (Array.isArray(current) && current[0] && typeof current[0] === 'object') out[k] = [{ ...current[0], quantity: v }];
    else if (current && typeof current === 'object' && !Array.isArray(current))
      out[k] = Object.fromEntries(Object.keys(current).map((kk) => [kk, v]));
    else out[k] = v;
    return out;
  });
  return fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(([path, p]) => ({
  path,
  type: p._def.type,
}));

async function call(path: string, type: string, input: unknown): Promise<Response> {
  const body = JSON.stringify(superjson.serialize(input));
  const headers = { host: 'fuzz.test', authorization: `Bearer ${token}` };
  const req =
    type === 'mutation'
      ? new Request(`http://fuzz.test/api/trpc/${path}`, {
          method: 'POST',
          body,
          headers: { ...headers, 'content-type': 'application/json' },
        })
      : new Request(`http://fuzz.test/api/trpc/${path}?input=${encodeURIComponent(body)}`, { headers });
  return handleTrpc(t.services, req);
}

describe('fuzzing every procedure (finding 6)', () => {
  it('enumerates the router', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(procedures.map((p) => [p.path, p.type]))(
    '%s (%s): never 5xx; a 4xx changes no write table',
    async (path, type) => {
      await fc.assert(
        fc.asyncProperty(inputs(samples[path]), async (input) => {
          const before = await rowCounts(t.services);
          const res = await call(path, type, input);
          const text = await res.text();
          expect(res.status, `${path} ${JSON.stringify(input)?.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) expect(await rowCounts(t.services)).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS_PER_PROCEDURE, endOnFailure: true },
      );
    },
    120_000,
  );
});
