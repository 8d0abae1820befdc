import { sql } from 'drizzle-orm';
import type { Services } from '@/server/services';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

/** Reachability of the stores the web tier needs; nothing secret. */
export async function healthReport(s: Services) {
  const [db, redis] = await Promise.all([
    withTimeout(s.db.execute(sql`SELECT 1`), 2000).then(() => true, () => false),
    withTimeout(s.redis.ping(), 2000).then(() => true, () => false),
  ]);
  return { ok: db && redis, db, redis };
}
