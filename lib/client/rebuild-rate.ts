/**
 * A rebuild's rate and time left, from its progress record: events per second since it started
 * (until it finished, when done), and, while running, the events left at that rate.
 */
export interface RebuildRecord {
  state: string;
  processed: number;
  total: number;
  startedAt: string;
  finishedAt?: string;
}

export function rebuildRate(r: RebuildRecord, now: number): { perSecond: number | null; etaSeconds: number | null } {
  const started = Date.parse(r.startedAt);
  const until = r.finishedAt ? Date.parse(r.finishedAt) : now;
  const elapsed = (until - started) / 1000;
  if (!Number.isFinite(elapsed) || elapsed <= 0 || r.processed <= 0) return { perSecond: null, etaSeconds: null };
  const perSecond = r.processed / elapsed;
  const etaSeconds = r.state === 'running' ? Math.max(0, r.total - r.processed) / perSecond : null;
  return { perSecond, etaSeconds };
}
