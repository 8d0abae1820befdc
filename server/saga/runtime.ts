import { UnrecoverableError, Worker } from 'bullmq';
import { QUEUE, bullPrefix } from '@/server/queues';
import { PROJECTIONS_CHANNEL, readNotice } from '@/server/readside/channels';
import type { PaymentGateway } from '@/server/payments/gateway';
import { SimulatedGateway } from '@/server/payments/simulated';
import { sagaJobSchema, type SagaJob, type SagaPolicy } from '@/server/saga/decide';
import { runSagaJob } from '@/server/saga/jobs';
import { SWEEP_LIMIT, sweepDueSagas } from '@/server/saga/sweeper';
import { orderSagaProcess } from '@/server/saga/process-manager';
import type { WorkerContext } from '@/server/readside/worker';

export interface SagaRuntimeOptions {
  policy: SagaPolicy;
  /** PAYMENT_SLOW_MS, for the simulated gateway. */
  slowMs: number;
  /** Another gateway (tests); the simulated one by default. */
  gateway?: PaymentGateway;
  /** How often the sweeper looks for due steps besides being woken by the process manager. */
  sweepMs?: number;
  /** Saga jobs in flight per worker; most of their time is spent waiting on the gateway. */
  concurrency?: number;
}

/**
 * The saga's part of a worker: the BullMQ worker of QUEUE.saga and the sweeper that sends its
 * jobs. The sweeper runs when the process manager commits (NOTIFY on the projections channel)
 * and on a timer, which also re-drives steps whose job was lost with Redis or with a killed worker.
 */
export async function startSaga(ctx: WorkerContext, opts: SagaRuntimeOptions): Promise<{ close(): Promise<void> }> {
  const { services: s, log } = ctx;
  const gateway = opts.gateway ?? new SimulatedGateway(s.write.sql, { slowMs: opts.slowMs });
  const queue = s.queues().byName[QUEUE.saga]!;
  const deps = { db: s.write.db, gateway, log };

  const worker = new Worker(
    QUEUE.saga,
    async (job) => {
      const parsed = sagaJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`Invalid saga job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const outcome = await runSagaJob(deps, parsed.data);
      log.debug({ ...parsed.data, outcome }, 'saga job done');
      return outcome;
    },
    { connection: ctx.connection, prefix: bullPrefix(s.prefix), concurrency: opts.concurrency ?? 32 },
  );
  worker.on('failed', (job, err) =>
    log.warn(
      { queue: QUEUE.saga, jobId: job?.id, orderId: (job?.data as SagaJob | undefined)?.orderId, err: err.message },
      'saga job failed',
    ),
  );
  worker.on('error', (err) => log.warn({ queue: QUEUE.saga, err: err.message }, 'saga worker error'));

  const send = async (jobs: SagaJob[]) => {
    if (jobs.length === 0) return;
    await queue.addBulk(
      jobs.map((j) => ({
        name: j.kind,
        data: j,
        // One job per step attempt, even if two sweeps race. A failure (say, the database refusing a
        // connection) is retried at once, within the step's deadline; the sweeper's retries are for silence.
        opts: {
          jobId: `${j.kind}-${j.orderId}-${j.attempt}`,
          attempts: 4,
          backoff: { type: 'fixed', delay: 250 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  };

  // One sweep at a time per process; a wake-up meanwhile makes it go round again.
  let running: Promise<void> | null = null;
  let again = false;
  const sweep = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await sweepDueSagas(s.write.db, opts.policy, send, log)) === SWEEP_LIMIT) {
            /* more are due */
          }
        } while (again);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'saga sweep failed; the next one retries');
      } finally {
        running = null;
      }
    })();
  };
  const listener = await s.write.listen(
    PROJECTIONS_CHANNEL,
    (payload) => {
      if (readNotice(payload).name === orderSagaProcess.name) sweep();
    },
    sweep,
  );
  const timer = setInterval(sweep, opts.sweepMs ?? 1000);
  sweep();

  return {
    async close() {
      clearInterval(timer);
      await listener.unlisten().catch(() => undefined);
      await running;
      await worker.close();
    },
  };
}
