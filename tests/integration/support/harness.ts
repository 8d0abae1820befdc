/**
 * The shared harness of the integration tests: each test file gets its own database and Redis key
 * prefix, so files run in parallel and leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { env } from '@/server/env';
import { createServices, type Services } from '@/server/services';
import { migrateDatabase } from '@/db/migrate';
import { createToken } from '@/server/auth/store';
import type { Role } from '@/server/auth/principal';
import { appRouter } from '@/server/api/root';
import { deleteKeys, dropDatabase, withDatabase } from '@/testkit/cleanup';
import { createContext } from '@/server/api/trpc';
import { connect, type DbHandle } from '@/db/client';

export { deleteKeys, dropDatabase };

export interface TestEnv {
  services: Services;
  /** The URL of this file's own database. */
  url: string;
  /** This file's Redis prefix (`lltest:<name>:<random>`, = services.prefix); every key it makes starts with `<prefix>:`. */
  prefix: string;
  /** Closes the services, drops this database and deletes this prefix's keys. Safe to call twice. */
  cleanup(): Promise<void>;
  /** Services of another process on the same database and prefix (a second worker, say); the caller closes them. */
  peer(appName: string, opts?: { poolMax?: number; principalTtlMs?: number }): Services;
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30) || 'test';

/** Creates a fresh, migrated database `ll_test_<name>_<random>` and services bound to it. */
export async function createTestEnv(name: string, opts: { poolMax?: number } = {}): Promise<TestEnv> {
  const e = env();
  const id = randomBytes(4).toString('hex');
  const dbName = `ll_test_${slug(name)}_${id}`;
  const url = withDatabase(e.DATABASE_URL, dbName);
  const prefix = `lltest:${slug(name)}:${id}`;
  await migrateDatabase(url);
  const services = createServices({
    databaseUrl: url,
    redisUrl: e.REDIS_URL,
    prefix,
    poolMax: opts.poolMax ?? 5,
    appName: `ll-test-${slug(name)}`,
  });
  let done: Promise<void> | undefined;
  const cleanup = () =>
    (done ??= (async () => {
      await services.close().catch(() => undefined); // the drop below ends whatever is still open
      await dropDatabase(e.DATABASE_URL, dbName);
      await deleteKeys(e.REDIS_URL, prefix);
    })());
  const peer = (appName: string, o: { poolMax?: number; principalTtlMs?: number } = {}) =>
    createServices({ databaseUrl: url, redisUrl: e.REDIS_URL, prefix, poolMax: o.poolMax ?? 5, appName, principalTtlMs: o.principalTtlMs });
  return { services, url, prefix, cleanup, peer };
}

/** A handle on this test's database that records the text of every statement it sends, for tests that count them. */
export function recordingHandle(t: TestEnv, appName: string, max = 2): { h: DbHandle; sent: string[] } {
  const sent: string[] = [];
  return { h: connect(t.url, { max, appName, onQuery: (q) => sent.push(q) }), sent };
}

/** A new API token of that role, valid for these services (and a server started with serverEnv). */
export async function tokenFor(services: Services, role: Role, name = `test-${role}`): Promise<string> {
  const { token } = await createToken(services.write.db, services.env.SESSION_SECRET, { name, role });
  return token;
}

/** A tRPC caller acting as a fresh API token of that role. */
export async function callerFor(services: Services, role: Role) {
  const token = await tokenFor(services, role);
  return appRouter.createCaller(await createContext(services, new Headers({ authorization: `Bearer ${token}` })));
}

/** A tRPC caller with no credentials. */
export async function anonymousCaller(services: Services) {
  return appRouter.createCaller(await createContext(services, new Headers()));
}

/** The environment for a server or worker process that shares this test's database and prefix. */
export function serverEnv(t: TestEnv): Record<string, string> {
  return {
    DATABASE_URL: t.url,
    READ_DATABASE_URL: t.url,
    REDIS_URL: t.services.redisUrl,
    REDIS_PREFIX: t.prefix,
    SESSION_SECRET: t.services.env.SESSION_SECRET,
    LOG_LEVEL: 'warn',
  };
}
