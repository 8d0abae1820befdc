import { sql } from 'drizzle-orm';
import type { RedisDeps } from '@/server/deps';
import { systemAlerts, type AlertDeps } from './alerts';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

/**
 * Reachability of the stores the web tier needs, and whether the system is `degraded` (no live
 * worker, projections lagging past the thresholds, or halted). Nothing secret.
 */
export async function healthReport(s: AlertDeps & Pick<RedisDeps, 'redis'>) {
  const [db, redis] = await Promise.all([
    withTimeout(s.write.db.execute(sql`SELECT 1`), 2000).then(() => true, () => false),
    withTimeout(s.redis.ping(), 2000).then(() => true, () => false),
  ]);
  const alerts = db ? await withTimeout(systemAlerts(s), 3000).catch(() => null) : null;
  const status = !db || !redis ? 'down' : alerts?.status ?? 'degraded';
  return { ok: db && redis, db, redis, status, reasons: alerts?.reasons ?? [], workers: alerts?.workers ?? 0 };
}
