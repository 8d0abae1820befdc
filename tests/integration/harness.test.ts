import { postgresAt } from '@/db/postgres-at';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { env } from '@/server/env';
import { anonymousCaller, callerFor, createTestEnv } from './support/harness';
import { withDatabase } from '@/testkit/cleanup';

describe('the integration test harness', () => {
  it('gives a file its own database and Redis prefix, and cleanup removes exactly those', async () => {
    const t = await createTestEnv('harness');
    const dbName = new URL(t.url).pathname.slice(1);
    expect(dbName).toMatch(/^ll_test_harness_[0-9a-f]{8}$/);
    expect(t.prefix).toMatch(/^lltest:harness:[0-9a-f]{8}$/);

    const redis = new Redis(env().REDIS_URL);
    const neighbour = `${t.prefix}x:must-survive`; // shares the text prefix but not the `<prefix>:` namespace
    try {
      await redis.set(`${t.prefix}:a`, '1');
      await redis.set(neighbour, '1');
      await t.cleanup();
      expect(await redis.exists(`${t.prefix}:a`)).toBe(0);
      expect(await redis.exists(neighbour)).toBe(1);
    } finally {
      await redis.del(neighbour);
      redis.disconnect();
    }
    // The maintenance database: DATABASE_URL's own database need not exist on a fresh machine.
    const admin = postgresAt(withDatabase(env().DATABASE_URL, 'postgres'), { max: 1 });
    try {
      expect(await admin`SELECT 1 FROM pg_database WHERE datname = ${dbName}`).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });

  it('callerFor acts with the given role; anonymous callers are refused', async () => {
    const t = await createTestEnv('harness_roles');
    try {
      const analyst = await callerFor(t.services, 'analyst');
      await expect(analyst.users.create({ email: 'x@example.com', name: 'X' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const operator = await callerFor(t.services, 'operator');
      await expect(operator.users.create({ email: 'x@example.com', name: 'X' })).resolves.toMatchObject({ userId: expect.any(String) });
      const anonymous = await anonymousCaller(t.services);
      await expect(anonymous.users.create({ email: 'y@example.com', name: 'Y' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      await t.cleanup();
    }
  });
});
