import { describe, expect, it } from 'vitest';
import { onDue, reactTo, sagaJobSchema, type SagaPolicy, type SagaState, type SagaStep } from '@/server/saga/decide';
import { tokenBehaviour } from '@/server/payments/gateway';

const at = (step: SagaStep, attempts = 1, done = false): SagaState => ({ step, attempts, done });
const policy: SagaPolicy = { stepMs: 5000, maxPaymentAttempts: 3 };

describe('the saga reacting to order events', () => {
  it('given a new pending order, when it is placed, then a payment step is due at once', () => {
    expect(reactTo('OrderPlaced', null, true)).toEqual({ kind: 'move', step: 'payment', dispatch: true, command: null });
  });

  it('given an order recorded as history (already settled), when its OrderPlaced arrives, then no saga starts', () => {
    expect(reactTo('OrderPlaced', null, false)).toMatchObject({ kind: 'ignore' });
  });

  it('given a saga that exists, when OrderPlaced arrives again, then nothing changes', () => {
    expect(reactTo('OrderPlaced', at('payment'), true)).toMatchObject({ kind: 'ignore' });
  });

  it('walks the happy path: paid → reserve, reserved → complete, completed → done', () => {
    expect(reactTo('PaymentProcessed', at('payment'))).toEqual({
      kind: 'move',
      step: 'inventory',
      dispatch: false,
      command: { type: 'ReserveInventory' },
    });
    expect(reactTo('InventoryReserved', at('inventory'))).toEqual({
      kind: 'move',
      step: 'completion',
      dispatch: false,
      command: { type: 'CompleteOrder' },
    });
    expect(reactTo('OrderCompleted', at('completion'))).toEqual({ kind: 'move', step: 'done', dispatch: false, command: null });
  });

  it('cancels a declined payment with reason payment_failed', () => {
    expect(reactTo('PaymentFailed', at('payment'))).toEqual({
      kind: 'move',
      step: 'cancellation',
      dispatch: false,
      command: { type: 'CancelOrder', reason: 'payment_failed' },
    });
  });

  it('out of stock: sends a refund job, then cancels with reason out_of_stock once the refund is recorded', () => {
    expect(reactTo('InventoryUnavailable', at('inventory'))).toEqual({ kind: 'move', step: 'refund', dispatch: true, command: null });
    expect(reactTo('PaymentRefunded', at('refund'))).toEqual({
      kind: 'move',
      step: 'cancellation',
      dispatch: false,
      command: { type: 'CancelOrder', reason: 'out_of_stock' },
    });
    expect(reactTo('OrderCancelled', at('cancellation'))).toEqual({ kind: 'move', step: 'done', dispatch: false, command: null });
  });

  it('given a compensation that recorded payment and refund itself, when those events arrive, then the happy path does not restart', () => {
    expect(reactTo('PaymentProcessed', at('cancellation'))).toMatchObject({ kind: 'ignore' });
    expect(reactTo('PaymentRefunded', at('cancellation'))).toMatchObject({ kind: 'ignore' });
    expect(reactTo('PaymentFailed', at('compensation'))).toMatchObject({ kind: 'ignore' });
  });

  it('given a finished saga or no saga, when any later event arrives, then it is ignored', () => {
    expect(reactTo('OrderCancelled', at('done', 1, true))).toMatchObject({ kind: 'ignore' });
    expect(reactTo('PaymentProcessed', null)).toMatchObject({ kind: 'ignore' });
    expect(reactTo('OrderCompleted', null)).toMatchObject({ kind: 'ignore' });
  });
});

describe('a saga step past its deadline', () => {
  it('sends the first charge of a new payment step (attempt 0 → 1)', () => {
    expect(onDue(at('payment', 0), policy)).toEqual({ step: 'payment', attempts: 1, deadlineInMs: 5000, job: 'charge' });
  });

  it('retries an unanswered charge while attempts remain', () => {
    expect(onDue(at('payment', 2), policy)).toEqual({ step: 'payment', attempts: 3, deadlineInMs: 5000, job: 'charge' });
  });

  it('compensates once the attempts are spent', () => {
    expect(onDue(at('payment', 3), policy)).toEqual({ step: 'compensation', attempts: 1, deadlineInMs: 5000, job: 'compensate' });
  });

  it('retries a refund or a compensation without end (money may be held), and raises an alert after the usual attempts', () => {
    expect(onDue(at('refund', 0), policy)).toEqual({ step: 'refund', attempts: 1, deadlineInMs: 5000, job: 'refund' });
    expect(onDue(at('compensation', 1), policy)).toEqual({ step: 'compensation', attempts: 2, deadlineInMs: 5000, job: 'compensate' });
    const late = onDue(at('refund', 7), policy);
    expect(late).toMatchObject({ step: 'refund', attempts: 8, job: 'refund' });
    expect(late.alert).toMatch(/refund has not gone through after 7 attempts/);
  });

  it('clears a stray deadline on a step that waits for the log, sending nothing', () => {
    expect(onDue(at('inventory', 1), policy)).toEqual({ step: 'inventory', attempts: 1, deadlineInMs: null, job: null });
  });
});

describe('saga job payloads', () => {
  it('accepts a well-formed job and refuses a malformed one', () => {
    const job = { kind: 'charge', orderId: '33333333-3333-4333-8333-333333333333', attempt: 1, deadlineAt: new Date(0).toISOString() };
    expect(sagaJobSchema.safeParse(job).success).toBe(true);
    expect(sagaJobSchema.safeParse({ ...job, kind: 'launch' }).success).toBe(false);
    expect(sagaJobSchema.safeParse({ ...job, attempt: 0 }).success).toBe(false);
  });
});

describe('the simulated gateway tokens', () => {
  it('pays tok_ok and any tok_ok… token, pays tok_slow late, declines the rest', () => {
    expect(tokenBehaviour('tok_ok')).toEqual({ kind: 'pay', slow: false });
    expect(tokenBehaviour('tok_ok_visa')).toEqual({ kind: 'pay', slow: false });
    expect(tokenBehaviour('tok_slow')).toEqual({ kind: 'pay', slow: true });
    expect(tokenBehaviour('tok_decline')).toEqual({ kind: 'decline', reason: 'card_declined' });
    expect(tokenBehaviour('tok_unknown')).toEqual({ kind: 'decline', reason: 'invalid_token' });
  });
});
