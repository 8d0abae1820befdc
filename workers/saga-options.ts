import type { Env } from '@/server/env';
import type { WorkerOptions } from './worker';

/** The order saga's part of a worker (filled in by the saga). */
export function sagaWorkerOptions(_env: Env): WorkerOptions {
  return {};
}
