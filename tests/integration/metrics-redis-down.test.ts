/**
 * /api/metrics while Redis is down (docs/operations.md, "Redis restarts empty"): the scrape still
 * answers 200 with everything Postgres knows, says `ledgerline_redis_up 0`, and leaves out the
 * queue gauges (they live in Redis) instead of hanging on them or answering 503. With Redis up the
 * same scrape says `ledgerline_redis_up 1` and has the queue gauges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '@/server/services';
import { metricsResponse } from '@/server/http/endpoints';
import { createTestEnv, tokenFor, type TestEnv } from './support/harness';
import { freePort } from './support/server';

let t: TestEnv;
let redisDown: Services;
let token: string;

beforeAll(async () => {
  t = await createTestEnv('metrics_redis_down');
  token = await tokenFor(t.services, 'analyst');
  // The same database, and a Redis port nothing listens on: Redis is down for these services.
  redisDown = createServices({
    databaseUrl: t.url,
    redisUrl: `redis://127.0.0.1:${await freePort()}`,
    prefix: t.prefix,
    poolMax: 2,
    appName: 'll-test-metrics-redis-down',
  });
});
afterAll(async () => {
  await redisDown?.close();
  await t?.cleanup();
});

const scrape = async (s: Services) => {
  const res = await metricsResponse(s, new Request('http://portal.test/api/metrics', { headers: { authorization: `Bearer ${token}` } }));
  return { status: res.status, text: await res.text() };
};

describe('/api/metrics and Redis', () => {
  it('Redis up: 200, ledgerline_redis_up 1, the queue gauges (on the first scrape too)', async () => {
    const { status, text } = await scrape(t.services);
    expect(status).toBe(200);
    expect(text).toMatch(/^ledgerline_redis_up 1$/m);
    expect(text).toMatch(/^ledgerline_queue_jobs\{/m);
  });

  it('Redis down: still 200 with the Postgres gauges, ledgerline_redis_up 0, no queue gauges', async () => {
    const { status, text } = await scrape(redisDown);
    expect(status).toBe(200);
    expect(text).toMatch(/^ledgerline_redis_up 0$/m);
    expect(text).toMatch(/^ledgerline_relay_backlog_events 0$/m);
    expect(text).toMatch(/^ledgerline_sagas_in_flight 0$/m);
    expect(text).not.toMatch(/^ledgerline_queue_jobs\{/m);
  });
});
