import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RedisDeps } from '@/server/deps';
import type { Logger } from '@/server/log';
import type { Metrics } from '@/server/metrics';
import { systemAlerts, type AlertDeps } from '@/server/queries/alerts';

export const HEARTBEAT_MS = 5000;
export const metricsKey = (prefix: string) => `${prefix}:metrics:workers`;

/**
 * Every few seconds: refresh this worker's heartbeat row (a dead or stuck worker stops doing it,
 * so the web tier can tell even when no events arrive), publish this process's metrics for the web
 * tier to serve, and log a warning when projections lag past the configured thresholds.
 */
export function startHeartbeat(s: AlertDeps & RedisDeps, log: Logger, m: Metrics, intervalMs = HEARTBEAT_MS) {
  const id = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  let lastWarning = '';
  const beat = async () => {
    await s.read.sql`
      INSERT INTO worker_heartbeats (id, host, pid, started_at, beat_at) VALUES (${id}, ${os.hostname()}, ${process.pid}, ${startedAt.toISOString()}::timestamptz, now())
      ON CONFLICT (id) DO UPDATE SET beat_at = now()`;
    const json = await m.registry.getMetricsAsJSON();
    await s.redis
      .multi()
      .set(`${s.prefix}:metrics:worker:${id}`, JSON.stringify(json), 'EX', Math.ceil((intervalMs * 4) / 1000))
      .zadd(metricsKey(s.prefix), Date.now(), id)
      .zremrangebyscore(metricsKey(s.prefix), 0, Date.now() - intervalMs * 4)
      .exec();
    const alerts = await systemAlerts(s, { ignoreWorker: id });
    const text = alerts.reasons.join('; ');
    if (alerts.status === 'degraded' && text !== lastWarning) log.warn({ reasons: alerts.reasons }, 'system degraded');
    lastWarning = text;
  };
  const tick = () => {
    beat().catch((err: Error) => log.warn({ err: err.message }, 'heartbeat failed'));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    id,
    async stop() {
      clearInterval(timer);
      await s.read.sql`DELETE FROM worker_heartbeats WHERE id = ${id}`.catch(() => undefined);
    },
  };
}
