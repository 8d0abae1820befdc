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
    withTimeout(s.write.db.execute(sql`SELECT 1`), 2000).then(
      () => true,
      () => false,
    ),
    withTimeout(s.redis.ping(), 2000).then(
      () => true,
      () => false,
    ),
  ]);
  const alerts = db ? await withTimeout(systemAlerts(s), 3000).catch(() => null) : null;
  const status = !db || !redis ? 'down' : (alerts?.status ?? 'degraded');
  return { ok: db && redis, db, redis, status, reasons: alerts?.reasons ?? [], workers: alerts?.workers ?? 0 };
}

export type HealthReport = Awaited<ReturnType<typeof healthReport>>;

/** What anyone may see: up or not, and ok/degraded/down; no reasons, no worker count. */
export function publicHealth(r: HealthReport) {
  return { ok: r.ok, db: r.db, redis: r.redis, status: r.status === 'ok' ? 'ok' : r.status === 'down' ? 'down' : 'degraded' };
}

/** A report is reused for this long: the full check runs about nine queries. */
export const HEALTH_CACHE_MS = 5000;
const cache = new WeakMap<object, { at: number; report: Promise<HealthReport> }>();

/** The health report, computed at most once per HEALTH_CACHE_MS per process (concurrent callers share it). */
export function cachedHealthReport(s: Parameters<typeof healthReport>[0], now = Date.now()): Promise<HealthReport> {
  const hit = cache.get(s);
  if (hit && now - hit.at < HEALTH_CACHE_MS) return hit.report;
  const report = healthReport(s);
  cache.set(s, { at: now, report });
  return report;
}
