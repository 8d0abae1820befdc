/** Removing exactly what one test run created: its database and its Redis keys. */
import { postgresAt } from '@/db/postgres-at';
import { Redis } from 'ioredis';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Drops one database, ending its connections first (this process's, a server's or a worker's). */
export async function dropDatabase(anyUrl: string, dbName: string): Promise<void> {
  if (!/^ll_(test|e2e)_[a-z0-9_]+$/.test(dbName)) throw new Error(`Refusing to drop ${dbName}: not a test database`);
  const admin = postgresAt(withDatabase(anyUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`;
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Deletes the keys `<prefix>:*` (and `<prefix>` itself), and no others. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  if (!prefix || /[*?[\]\\]/.test(prefix)) throw new Error(`Refusing to delete keys for the prefix "${prefix}"`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.unlink(prefix);
  } finally {
    redis.disconnect();
  }
}
