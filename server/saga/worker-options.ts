import type { Env } from '@/server/env';
import { orderSagaProcess } from '@/server/saga/process-manager';
import type { WorkerOptions } from '@/server/readside/worker';
import { startSaga, type SagaRuntimeOptions } from './runtime';

/** Charge attempts before a payment that never answers is compensated. */
export const PAYMENT_ATTEMPTS = 3;

/**
 * The order saga's part of a worker: its process manager runs on the write database (checkpoint,
 * saga rows and issued commands in one transaction), its jobs and sweeper start with the worker.
 */
export function sagaWorkerOptions(env: Env, overrides: Partial<SagaRuntimeOptions> = {}): WorkerOptions {
  const runtime: SagaRuntimeOptions = {
    policy: { stepMs: env.PAYMENT_DEADLINE_MS, maxPaymentAttempts: PAYMENT_ATTEMPTS },
    slowMs: env.PAYMENT_SLOW_MS,
    concurrency: env.WORKER_CONCURRENCY,
    ...overrides,
  };
  return { processManagers: [orderSagaProcess], extra: (ctx) => startSaga(ctx, runtime) };
}
