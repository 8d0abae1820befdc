import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { orders, paymentTokens } from '@/db/schema';
import type { Logger } from '@/server/log';
import type { PaymentGateway, RefundResult } from '@/server/payments/gateway';
import { paymentRefOf } from '@/server/commands/orders';
import { cancelOrder, loadOrderForUpdate, processPayment, refundPayment } from '@/server/saga/commands';
import type { SagaJob } from './decide';
import { lockSaga, readSaga, settleStep } from './store';

export interface SagaJobDeps {
  db: Db;
  gateway: PaymentGateway;
  log: Logger;
}

/**
 * The saga's slow steps, run as BullMQ jobs outside any projection transaction: call the gateway
 * (no transaction open, at most until the step's deadline), then record its answer in one
 * transaction that first locks the saga row and checks the step still waits for this answer.
 * A late, repeated or lost job is harmless: the sweeper re-sends lost ones, and a stale one finds
 * the step moved on and records nothing. Returns what happened, for the job's log.
 */
export function runSagaJob(deps: SagaJobDeps, job: SagaJob): Promise<string> {
  switch (job.kind) {
    case 'charge':
      return charge(deps, job);
    case 'refund':
      return refund(deps, job);
    case 'compensate':
      return compensate(deps, job);
  }
}

const TIMED_OUT = Symbol('timed out');

/** Once the gateway's answer is final (paid, declined or given up), the token is needed no more. */
async function forgetPaymentToken(tx: Tx, orderId: string) {
  await tx.delete(paymentTokens).where(eq(paymentTokens.ref, paymentRefOf(orderId)));
}

/**
 * Waits for the gateway at most until the deadline. Giving up does not stop the call: the gateway
 * may still charge, which is why a payment given up is compensated at the gateway (refund or void).
 */
async function untilDeadline<T>(deps: SagaJobDeps, job: SagaJob, call: () => Promise<T>): Promise<T | typeof TIMED_OUT> {
  const ms = Date.parse(job.deadlineAt) - Date.now();
  if (ms <= 0) return TIMED_OUT;
  const pending = call();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    const answer = await Promise.race([pending, timeout]);
    if (answer === TIMED_OUT) {
      pending.catch((err: Error) =>
        deps.log.warn({ orderId: job.orderId, job: job.kind, err: err.message }, 'gateway failed after the saga stopped waiting'),
      );
    }
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

async function charge(deps: SagaJobDeps, job: SagaJob): Promise<string> {
  const [order] = await deps.db
    .select({ status: orders.status, totalCents: orders.totalCents, token: paymentTokens.token })
    .from(orders)
    .leftJoin(paymentTokens, eq(paymentTokens.ref, orders.paymentRef))
    .where(eq(orders.id, job.orderId));
  if (!order) return 'no such order';
  if (order.status !== 'pending') return `stale: the order is ${order.status}`;
  // A pending order always holds its token; without one the gateway declines (invalid_token).
  const token = order.token ?? '';
  const answer = await untilDeadline(deps, job, () => deps.gateway.charge(job.orderId, order.totalCents, token));
  if (answer === TIMED_OUT) return 'the gateway did not answer before the deadline';
  return deps.db.transaction(async (tx) => {
    const saga = await lockSaga(tx, job.orderId);
    // The payment step waits (it has a deadline) until one answer is recorded or it is given up.
    if (!saga || saga.done || saga.step !== 'payment' || !saga.deadlineAt) return `stale: the saga is at ${saga?.step ?? 'nothing'}`;
    await processPayment(tx, {}, { orderId: job.orderId, outcome: answer });
    await forgetPaymentToken(tx, job.orderId);
    await settleStep(tx, job.orderId);
    return answer.ok ? `paid (${answer.chargeId})` : `declined (${answer.reason})`;
  });
}

/** After InventoryUnavailable: give the money back at the gateway, then record PaymentRefunded (the process manager cancels). */
async function refund(deps: SagaJobDeps, job: SagaJob): Promise<string> {
  const before = await readSaga(deps.db, job.orderId);
  if (!before || before.step !== 'refund' || !before.deadlineAt) return `stale: the saga is at ${before?.step ?? 'nothing'}`;
  const answer = await untilDeadline(deps, job, () => deps.gateway.refund(job.orderId));
  if (answer === TIMED_OUT) return 'the gateway did not answer before the deadline';
  if (answer.status !== 'refunded')
    throw new Error(`Order ${job.orderId} was paid, but the gateway holds no charge to refund (${answer.status})`);
  return deps.db.transaction(async (tx) => {
    const saga = await lockSaga(tx, job.orderId);
    if (!saga || saga.step !== 'refund' || !saga.deadlineAt) return `stale: the saga is at ${saga?.step ?? 'nothing'}`;
    await refundPayment(tx, {}, { orderId: job.orderId });
    await settleStep(tx, job.orderId);
    return `refunded (${answer.chargeId})`;
  });
}

/**
 * The payment never answered in time: close the payment at the gateway first (refund a charge
 * that did go through, or void it so a late one is declined), then settle the order from what the
 * gateway says, in one transaction: the events tell what happened to the money.
 */
async function compensate(deps: SagaJobDeps, job: SagaJob): Promise<string> {
  const before = await readSaga(deps.db, job.orderId);
  if (!before || before.step !== 'compensation' || !before.deadlineAt) return `stale: the saga is at ${before?.step ?? 'nothing'}`;
  const closed = await untilDeadline(deps, job, () => deps.gateway.refund(job.orderId));
  if (closed === TIMED_OUT) return 'the gateway did not answer before the deadline';
  return deps.db.transaction(async (tx) => {
    const saga = await lockSaga(tx, job.orderId);
    if (!saga || saga.step !== 'compensation' || !saga.deadlineAt) return `stale: the saga is at ${saga?.step ?? 'nothing'}`;
    const outcome = await settleUnanswered(tx, job.orderId, closed);
    await forgetPaymentToken(tx, job.orderId);
    await settleStep(tx, job.orderId, 'cancellation');
    return outcome;
  });
}

async function settleUnanswered(tx: Tx, orderId: string, closed: RefundResult): Promise<string> {
  const { state } = await loadOrderForUpdate(tx, orderId);
  if (state.status === 'completed' || state.status === 'cancelled') return `nothing to do: the order is ${state.status}`;
  let holdsCharge = state.charged && !state.refunded;
  if (state.status === 'pending' && closed.status !== 'voided') {
    // The gateway did answer, too late: record its answer first, so the log shows where the money went.
    await processPayment(
      tx,
      {},
      { orderId, outcome: closed.status === 'refunded' ? { ok: true, chargeId: closed.chargeId } : { ok: false, reason: 'declined' } },
    );
    holdsCharge = closed.status === 'refunded';
  }
  if (holdsCharge) {
    if (closed.status !== 'refunded')
      throw new Error(`Order ${orderId} holds a charge, but the gateway refunded nothing (${closed.status})`);
    await refundPayment(tx, {}, { orderId });
  }
  const reason = closed.status === 'declined' ? 'payment_failed' : 'payment_timeout';
  await cancelOrder(tx, {}, { orderId, reason });
  return `cancelled (${reason}; gateway ${closed.status})`;
}
