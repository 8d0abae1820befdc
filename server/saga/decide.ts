import { z } from 'zod';
import type { EventType } from '@/server/domain/events';
import type { CancelReason } from '@/server/domain/order';

/**
 * The order saga's pure decisions: how its state (one `order_sagas` row per order) moves on each
 * event of the order, and what to do when a step's deadline passes. No I/O, no clock.
 *
 * Steps: `payment` (a charge job is out) → `inventory` → `completion` → `done`;
 * `refund` (a refund job is out, after InventoryUnavailable) → `cancellation` → `done`;
 * `compensation` (payment never answered: void or refund at the gateway, then cancel) → `cancellation`.
 * A row with a deadline is waiting on a job; a row without one is waiting on the log.
 */
export type SagaStep = 'payment' | 'inventory' | 'completion' | 'refund' | 'compensation' | 'cancellation' | 'done';

export interface SagaState {
  step: SagaStep;
  attempts: number;
  done: boolean;
}

/** What the process manager issues, in its own transaction. */
export type SagaCommand = { type: 'ReserveInventory' } | { type: 'CompleteOrder' } | { type: 'CancelOrder'; reason: CancelReason };

export type Reaction =
  | { kind: 'ignore'; why: string }
  /** `dispatch`: a job must run for the new step (deadline now, attempts 0); otherwise no deadline. */
  | { kind: 'move'; step: SagaStep; dispatch: boolean; command: SagaCommand | null };

export const sagaEvents = [
  'OrderPlaced',
  'PaymentProcessed',
  'PaymentFailed',
  'InventoryReserved',
  'InventoryUnavailable',
  'PaymentRefunded',
  'OrderCompleted',
  'OrderCancelled',
] as const satisfies readonly EventType[];
export type SagaEventType = (typeof sagaEvents)[number];

const move = (step: SagaStep, command: SagaCommand | null = null, dispatch = false): Reaction => ({
  kind: 'move',
  step,
  dispatch,
  command,
});

/**
 * The next step for an event. `orderPending` matters only for OrderPlaced: an order recorded as
 * history is already settled, and no saga runs for it.
 */
export function reactTo(type: SagaEventType, saga: SagaState | null, orderPending = true): Reaction {
  if (type === 'OrderPlaced') {
    if (saga) return { kind: 'ignore', why: 'the saga already exists' };
    return orderPending ? move('payment', null, true) : { kind: 'ignore', why: 'the order was settled when it was recorded (history)' };
  }
  if (!saga) return { kind: 'ignore', why: 'no saga runs for this order' };
  if (saga.done) return { kind: 'ignore', why: 'the saga is done' };
  // Only the step that waits for an event acts on it: after a compensation recorded the payment
  // and its refund itself, those events must not set the happy path going again.
  const expects = (step: SagaStep) =>
    saga.step === step ? null : ({ kind: 'ignore', why: `the saga is at ${saga.step}, not ${step}` } as const);
  switch (type) {
    case 'PaymentProcessed':
      return expects('payment') ?? move('inventory', { type: 'ReserveInventory' });
    case 'PaymentFailed':
      return expects('payment') ?? move('cancellation', { type: 'CancelOrder', reason: 'payment_failed' });
    case 'InventoryReserved':
      return expects('inventory') ?? move('completion', { type: 'CompleteOrder' });
    case 'InventoryUnavailable':
      return expects('inventory') ?? move('refund', null, true);
    case 'PaymentRefunded':
      return expects('refund') ?? move('cancellation', { type: 'CancelOrder', reason: 'out_of_stock' });
    case 'OrderCompleted':
    case 'OrderCancelled':
      return move('done');
    default: {
      const never: never = type;
      return never;
    }
  }
}

export interface SagaPolicy {
  /** How long a job has to answer before its step is re-driven (PAYMENT_DEADLINE_MS). */
  stepMs: number;
  /** Charge attempts before the payment is given up and compensated. */
  maxPaymentAttempts: number;
}

export const sagaJobKinds = ['charge', 'refund', 'compensate'] as const;
export type SagaJobKind = (typeof sagaJobKinds)[number];

/** A saga job's payload. Jobs are signals: the row decides, and a stale job finds nothing to do. */
export const sagaJobSchema = z.object({
  kind: z.enum(sagaJobKinds),
  orderId: z.string().uuid(),
  attempt: z.number().int().positive(),
  deadlineAt: z.string().datetime({ offset: true }),
});
export type SagaJob = z.infer<typeof sagaJobSchema>;

export interface DueDecision {
  step: SagaStep;
  attempts: number;
  /** The new deadline, from now; null: none (nothing to wait for). */
  deadlineInMs: number | null;
  job: SagaJobKind | null;
  /** Something an operator should hear about. */
  alert?: string;
}

/**
 * A step whose deadline passed: its job was never sent (attempt 0), lost (Redis flushed, worker
 * killed) or timed out. Payment is retried, then compensated; a refund or compensation is
 * retried until it goes through, because money may be held.
 */
export function onDue(saga: Pick<SagaState, 'step' | 'attempts'>, policy: SagaPolicy): DueDecision {
  const retry = (job: SagaJobKind): DueDecision => ({ step: saga.step, attempts: saga.attempts + 1, deadlineInMs: policy.stepMs, job });
  switch (saga.step) {
    case 'payment':
      return saga.attempts < policy.maxPaymentAttempts
        ? retry('charge')
        : { step: 'compensation', attempts: 1, deadlineInMs: policy.stepMs, job: 'compensate' };
    case 'refund':
    case 'compensation': {
      const d = retry(saga.step === 'refund' ? 'refund' : 'compensate');
      return saga.attempts >= policy.maxPaymentAttempts
        ? { ...d, alert: `${saga.step} has not gone through after ${saga.attempts} attempts` }
        : d;
    }
    default:
      // Waiting on the log, not on a job: a deadline here is stray.
      return { step: saga.step, attempts: saga.attempts, deadlineInMs: null, job: null };
  }
}
