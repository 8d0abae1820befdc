/**
 * Finding 10: anonymous /api/health says only whether it is up (ok, degraded or down: no reasons,
 * no worker count), staff and tokens get the details, and the report (about nine queries) is
 * computed at most once per HEALTH_CACHE_MS per process, however many callers ask.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { healthResponse } from '@/server/http/endpoints';
import { HEALTH_CACHE_MS } from '@/server/queries/health';
import { createTestEnv, tokenFor, type TestEnv } from './support/harness';

let t: TestEnv;
let token: string;
beforeAll(async () => {
  t = await createTestEnv('health');
  token = await tokenFor(t.services, 'analyst');
});
afterAll(async () => {
  await t?.cleanup();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const health = async (headers: Record<string, string> = {}) => {
  const res = await healthResponse(t.services, new Request('http://portal.test/api/health', { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('/api/health (finding 10)', () => {
  it('an anonymous caller learns only up or not: ok, db, redis and a status of ok, degraded or down', async () => {
    const anonymous = await health();
    expect(anonymous.status).toBe(200);
    expect(Object.keys(anonymous.body).sort()).toEqual(['db', 'ok', 'redis', 'status']);
    expect(['ok', 'degraded']).toContain(anonymous.body.status);
    // No worker runs in this test: staff see why it is degraded; a stranger does not.
    const staff = await health({ authorization: `Bearer ${token}` });
    expect(staff.body).toMatchObject({ ok: true, status: 'degraded', workers: 0, reasons: expect.arrayContaining([expect.any(String)]) });
    expect(anonymous.body.status).toBe('degraded');
    expect(await health({ authorization: 'Bearer llk_not-a-token' })).toEqual(anonymous); // a bad token is a stranger
  });

  it(`the report is computed once per ${HEALTH_CACHE_MS} ms: calls within it run no query, concurrent calls share one`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + HEALTH_CACHE_MS * 10); // past whatever the test above cached
    const queries = vi.spyOn(t.services.write.db, 'execute');
    const pings = vi.spyOn(t.services.redis, 'ping');
    await Promise.all([health(), health(), health()]);
    const perReport = queries.mock.calls.length; // SELECT 1 and the alert checks on the write database
    expect(perReport).toBeGreaterThan(0);
    expect(pings).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + HEALTH_CACHE_MS - 100);
    await health();
    await health({ authorization: `Bearer ${token}` });
    expect({ queries: queries.mock.calls.length, pings: pings.mock.calls.length }).toEqual({ queries: perReport, pings: 1 });
    vi.setSystemTime(Date.now() + 200); // the cached report is now older than HEALTH_CACHE_MS
    await health();
    expect({ queries: queries.mock.calls.length, pings: pings.mock.calls.length }).toEqual({ queries: 2 * perReport, pings: 2 });
  });
});
