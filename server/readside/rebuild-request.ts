import { sql } from 'drizzle-orm';
import type { QueueDeps, ReadDbDeps } from '@/server/deps';
import { QUEUE, type ProjectionJob } from '@/server/queues';
import { conflict } from '@/server/domain/errors';

/** Queues a rebuild; the old rows keep answering until the worker swaps the new ones in. */
export async function requestRebuild(s: ReadDbDeps & QueueDeps, name: string) {
  const rows = await s.read.db.execute(sql`
    UPDATE projection_checkpoints
    SET rebuild = jsonb_build_object('state', 'queued', 'processed', 0, 'total', 0, 'startedAt', now())
    WHERE name = ${name} AND (rebuild IS NULL OR rebuild->>'state' NOT IN ('queued', 'running'))
    RETURNING name`);
  if (rows.length === 0) throw conflict(`A rebuild of ${name} is already under way`);
  const job: ProjectionJob = { kind: 'rebuild', name };
  const added = await s.queues().byName[QUEUE.projections]!.add('rebuild', job, {
    jobId: `rebuild:${name}:${Date.now()}`,
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
  });
  return { jobId: added.id ?? '' };
}
