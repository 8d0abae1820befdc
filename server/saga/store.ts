import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { sagas } from '@/db/schema';
import type { SagaState, SagaStep } from './decide';

/** The saga's own rows (`order_sagas`); written only under the row lock, in the same transaction as the commands they go with. */

export interface SagaRow extends SagaState {
  orderId: string;
  deadlineAt: Date | null;
}

const toRow = (r: typeof sagas.$inferSelect): SagaRow => ({
  orderId: r.orderId,
  step: r.step as SagaStep,
  attempts: r.attempts,
  deadlineAt: r.deadlineAt,
  done: r.done === 1,
});

/** Locks the saga rows of these orders, in order id order (the order every batch takes them in). */
export async function lockSagas(tx: Tx, orderIds: string[]): Promise<Map<string, SagaRow>> {
  if (orderIds.length === 0) return new Map();
  const rows = await tx.select().from(sagas).where(inArray(sagas.orderId, orderIds)).orderBy(sagas.orderId).for('update');
  return new Map(rows.map((r) => [r.orderId, toRow(r)]));
}

export async function lockSaga(tx: Tx, orderId: string): Promise<SagaRow | null> {
  const [row] = await tx.select().from(sagas).where(eq(sagas.orderId, orderId)).for('update');
  return row ? toRow(row) : null;
}

/**
 * Reads a saga row once no transaction holds it: a job sent by a sweep that has not committed yet
 * waits for that commit instead of reading the step as it was before.
 */
export async function readSaga(db: DbOrTx, orderId: string): Promise<SagaRow | null> {
  const [row] = await db.select().from(sagas).where(eq(sagas.orderId, orderId)).for('share');
  return row ? toRow(row) : null;
}

/** A row to write: `dispatch` sets the deadline to now (a job is due at once), otherwise it is cleared. */
export interface SagaWrite {
  orderId: string;
  step: SagaStep;
  attempts: number;
  done: boolean;
  dispatch: boolean;
}

export async function saveSagas(tx: Tx, rows: SagaWrite[]) {
  if (rows.length === 0) return;
  const records = rows.map((r) => ({
    order_id: r.orderId,
    step: r.step,
    attempts: r.attempts,
    done: r.done ? 1 : 0,
    dispatch: r.dispatch,
  }));
  await tx.execute(sql`
    INSERT INTO order_sagas (order_id, step, attempts, deadline_at, done, updated_at)
    SELECT order_id, step, attempts, CASE WHEN dispatch THEN now() END, done, now()
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS v(order_id uuid, step text, attempts int, done int, dispatch boolean)
    ON CONFLICT (order_id) DO UPDATE SET step = excluded.step, attempts = excluded.attempts, deadline_at = excluded.deadline_at,
      done = excluded.done, updated_at = excluded.updated_at`);
}

/** The job's answer is in the log now: nothing left to wait for on this step. */
export async function settleStep(tx: Tx, orderId: string, step?: SagaStep) {
  await tx
    .update(sagas)
    .set({ deadlineAt: null, updatedAt: sql`now()`, ...(step ? { step } : {}) })
    .where(eq(sagas.orderId, orderId));
}
