import { sql } from 'drizzle-orm';
import type { BothDbDeps, QueueDeps } from '@/server/deps';
import { QUEUE, type ProjectionJob } from '@/server/queues';
import { conflict } from '@/server/domain/errors';
import type { ConsumerDatabase } from './consumer';

/**
 * Restarts a halted consumer after its fix is deployed: it retries the event that stopped it
 * (with fresh attempts) and goes on. Read models live in the read database; write-side consumers
 * (the order saga) keep their checkpoint in the write database.
 */
export async function resumeProjection(s: BothDbDeps & QueueDeps, name: string, side: ConsumerDatabase) {
  const db = side === 'read' ? s.read.db : s.write.db;
  const rows = await db.execute(sql`
    UPDATE projection_checkpoints SET status = 'running', failing_attempts = 0, retry_after = NULL, updated_at = now()
    WHERE name = ${name} AND status = 'failed' RETURNING name`);
  if (rows.length === 0) throw conflict(`${name} is not halted; nothing to resume`);
  const job: ProjectionJob = { kind: 'apply', name };
  await s.queues().byName[QUEUE.projections]!.add('apply', job, { removeOnComplete: true, removeOnFail: 1000 });
  return { ok: true as const };
}
