import { sql } from 'drizzle-orm';
import type { ReadDeps, WriteDeps } from '@/server/deps';
import { projectionNames } from '@/server/projections/registry';
import { readCheckpoints } from '@/server/readside/checkpoints';

export type CatchUp =
  | { kind: 'caught-up'; seconds: number }
  | { kind: 'empty' }
  | { kind: 'no-worker' }
  | { kind: 'failed'; projection: string; error: string }
  | { kind: 'stalled'; remaining: number };

/** A worker counts as running when its heartbeat is this recent. */
const LIVE_WORKER_MS = 15_000;

export async function workerRunning(s: ReadDeps & WriteDeps): Promise<boolean> {
  const [row] = await s.read.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM worker_heartbeats WHERE beat_at > now() - ${LIVE_WORKER_MS} * interval '1 millisecond'`);
  return (row?.n ?? 0) > 0;
}

/**
 * After a bulk load: waits (woken by the projections' NOTIFY, through the PositionWaiter) until every
 * read model has applied the last event of the log, printing how many events are still to go. Says
 * so and returns at once when no worker is running, since nothing would build the read models.
 */
export async function waitForProjections(
  s: ReadDeps & WriteDeps,
  out: (line: string) => void,
  opts: { stallMs?: number; requireWorker?: boolean } = {},
): Promise<CatchUp> {
  const started = performance.now();
  const [last] = await s.write.db.execute<{ position: string }>(
    sql`SELECT position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1`,
  );
  if (!last) return { kind: 'empty' };
  if ((opts.requireWorker ?? true) && !(await workerRunning(s))) {
    out(
      'No worker is running, so the read models are not being built yet: start one with `npm run worker` and they will catch up from the log.',
    );
    return { kind: 'no-worker' };
  }
  const target = Number(last.position);
  let best = Infinity;
  let progressAt = Date.now();
  for (;;) {
    const { freshness } = await s.waiter.waitFor(projectionNames, target, 2000);
    if (!freshness.stale) {
      const seconds = (performance.now() - started) / 1000;
      out(`Read models are up to date (${seconds.toFixed(1)} s).`);
      return { kind: 'caught-up', seconds };
    }
    const behind = await lagOf(s);
    const failed = behind.find((b) => b.status === 'failed');
    if (failed) {
      out(`Projection ${failed.name} has stopped: ${failed.error ?? 'see ops/projections'}`);
      return { kind: 'failed', projection: failed.name, error: failed.error ?? '' };
    }
    const slowest = behind.reduce((a, b) => (b.lag > a.lag ? b : a), behind[0] ?? { name: '-', lag: 0, status: '', error: null });
    if (slowest.lag < best) {
      best = slowest.lag;
      progressAt = Date.now();
    }
    if (Date.now() - progressAt > (opts.stallMs ?? 60_000)) {
      out(
        `No progress for ${Math.round((Date.now() - progressAt) / 1000)} s with ${slowest.lag} events still to project: check the worker's log and ops/projections.`,
      );
      return { kind: 'stalled', remaining: slowest.lag };
    }
    out(`projections catching up: ${slowest.lag} events to go (slowest: ${slowest.name})`);
  }
}

async function lagOf(s: ReadDeps & WriteDeps) {
  const cks = await readCheckpoints(s.read.sql, projectionNames);
  const statusRows = await s.read.sql<{ name: string; status: string; last_error: string | null }[]>`
    SELECT name, status, last_error FROM projection_checkpoints WHERE name = ANY(${projectionNames})`;
  const status = new Map(statusRows.map((r) => [r.name, r]));
  return Promise.all(
    projectionNames.map(async (name) => {
      const ck = cks.find((c) => c.name === name);
      const [row] = ck
        ? await s.write.db.execute<{ n: number }>(
            sql`SELECT count(*)::int AS n FROM events WHERE (tx_id, position) > (${ck.txId.toString()}::xid8, ${ck.position})`,
          )
        : await s.write.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
      return { name, lag: row?.n ?? 0, status: status.get(name)?.status ?? 'missing', error: status.get(name)?.last_error ?? null };
    }),
  );
}
