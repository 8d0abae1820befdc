import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Logger } from '@/server/log';
import { onDue, type SagaJob, type SagaPolicy, type SagaStep } from './decide';

export const SWEEP_LIMIT = 500;

/**
 * Sends the jobs of saga steps that are due: new steps (deadline now, attempt 0) and steps whose
 * job was lost or timed out. Rows are claimed FOR UPDATE SKIP LOCKED, so any number of workers
 * sweep side by side, and jobs are sent before the claim commits: if Redis refuses them, the row
 * is unchanged and the next sweep tries again; if the commit fails after sending, the job still
 * runs (it carries its own deadline) and whatever it records is checked against the row.
 * Returns how many rows it moved.
 */
export async function sweepDueSagas(
  db: Db,
  policy: SagaPolicy,
  send: (jobs: SagaJob[]) => Promise<void>,
  log: Logger,
  limit = SWEEP_LIMIT,
): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{ order_id: string; step: SagaStep; attempts: number; now: Date }>(sql`
      SELECT order_id, step, attempts, now() AS now FROM order_sagas
      WHERE deadline_at <= now() AND done = 0
      ORDER BY deadline_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
    if (rows.length === 0) return 0;
    const jobs: SagaJob[] = [];
    const updates = rows.map((r) => {
      const d = onDue(r, policy);
      if (d.alert) log.error({ orderId: r.order_id, step: r.step, attempts: r.attempts }, d.alert);
      if (d.job && d.deadlineInMs !== null) {
        jobs.push({
          kind: d.job,
          orderId: r.order_id,
          attempt: d.attempts,
          deadlineAt: new Date(new Date(r.now).getTime() + d.deadlineInMs).toISOString(),
        });
      }
      return { order_id: r.order_id, step: d.step, attempts: d.attempts, deadline_ms: d.deadlineInMs };
    });
    await tx.execute(sql`
      UPDATE order_sagas s SET step = v.step, attempts = v.attempts, updated_at = now(),
        deadline_at = now() + v.deadline_ms * interval '1 millisecond'
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(order_id uuid, step text, attempts int, deadline_ms int)
      WHERE s.order_id = v.order_id`);
    await send(jobs);
    return rows.length;
  });
}
