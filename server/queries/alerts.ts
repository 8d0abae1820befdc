import type { BothDbDeps, EnvDeps } from '@/server/deps';
import { projectionStatus } from './ops';

export type AlertDeps = BothDbDeps & EnvDeps;

export interface Alerts {
  status: 'ok' | 'degraded';
  reasons: string[];
  workers: number;
}

/**
 * What an operator must know now: no live worker, a projection lagging past the thresholds
 * (LAG_ALERT_EVENTS, LAG_ALERT_SECONDS) or halted.
 */
export async function systemAlerts(s: AlertDeps, opts: { ignoreWorker?: string } = {}): Promise<Alerts> {
  const reasons: string[] = [];
  const stale = s.env.HEARTBEAT_STALE_SECONDS;
  const [live] = await s.read.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM worker_heartbeats
    WHERE beat_at > now() - ${stale} * interval '1 second' AND id <> ${opts.ignoreWorker ?? ''}`;
  const workers = (live?.n ?? 0) + (opts.ignoreWorker ? 1 : 0);
  if (workers === 0) reasons.push(`no worker has sent a heartbeat in the last ${stale} s`);
  const { data } = await projectionStatus(s);
  for (const p of data) {
    if (p.status === 'failed') reasons.push(`projection ${p.name} has halted (see /ops/projections)`);
    else if (p.lagEvents > s.env.LAG_ALERT_EVENTS) reasons.push(`projection ${p.name} is ${p.lagEvents} events behind`);
    else if (p.lagSeconds > s.env.LAG_ALERT_SECONDS) reasons.push(`projection ${p.name} is ${Math.round(p.lagSeconds)} s behind`);
  }
  return { status: reasons.length ? 'degraded' : 'ok', reasons, workers };
}
