import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { BothDbDeps, EnvDeps, QueueDeps, RedisDeps } from '@/server/deps';
import type { Logger } from '@/server/log';
import { QUEUE, bullPrefix, type ProjectionJob } from '@/server/queues';
import { EVENTS_CHANNEL } from '@/server/readside/channels';
import type { ConsumerDefinition } from './consumer';
import { buildConsumers, type ConsumerSet } from './consumers';
import { Relay } from './relay';
import { rebuildProjection, rebuildProjections } from './rebuild';
import type { ProjectionRunner, StepOutcome } from './projection-runner';
import { startHeartbeat } from './heartbeat';
import { eventSpan } from '@/server/tracing';
import { metrics as processMetrics } from '@/server/metrics';

/** What a worker needs: both databases, Redis and the queues, and the alert thresholds for its heartbeat. */
export type WorkerDeps = BothDbDeps & EnvDeps & QueueDeps & RedisDeps;

export interface WorkerOptions {
  /** Read models to keep (default: every one in the registry). */
  projections?: ConsumerDefinition[];
  /** Process managers to run (the saga's, from server/saga/worker-options.ts). */
  processManagers?: ConsumerDefinition[];
  sweepMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  backoffMs?: number;
  heartbeatMs?: number;
  /** Extra BullMQ workers (the saga's) started and stopped with this one. */
  extra?: (ctx: WorkerContext) => Promise<{ close(): Promise<void> }>;
}

export interface WorkerContext {
  services: WorkerDeps;
  log: Logger;
  consumers: ConsumerSet;
  connection: Redis;
  wakeRelay(): void;
}

/**
 * One worker process: the relay, every consumer's catch-up jobs and rebuilds. Woken by NOTIFY
 * after commits; a timer sweep re-signals everything so lost jobs (even a flushed Redis) only
 * delay work, never lose it.
 */
export async function startWorker(s: WorkerDeps, log: Logger, opts: WorkerOptions = {}) {
  const consumers = buildConsumers(s, log, {
    projections: opts.projections,
    processManagers: opts.processManagers,
    runner: { batchSize: opts.batchSize, maxAttempts: opts.maxAttempts, backoffMs: opts.backoffMs },
  });
  for (const r of consumers.runners) {
    const stale = await r.ensureCheckpoints();
    if (stale.length === 0) continue;
    log.warn({ projections: stale }, 'projection version changed: rebuilding');
    // A runner's consumers share a database: rebuilt together, in one pass over the log.
    const first = consumers.byName.get(stale[0]!)!;
    await rebuildProjections(
      first.db,
      s.write,
      stale.map((name) => consumers.byName.get(name)!.def),
      log,
    );
  }
  const m = processMetrics(`worker:${process.pid}`);
  for (const r of consumers.runners) {
    r.onApplied = (name, events, seconds) => {
      m.eventsApplied.inc({ projection: name }, events.length);
      m.batchSeconds.observe({ projection: name }, seconds);
      const startTime = Date.now() - seconds * 1000;
      for (const e of events)
        eventSpan(
          `project ${name}`,
          e.metadata.traceparent,
          { 'ledgerline.event': e.type, 'ledgerline.position': e.position, 'ledgerline.event_id': e.eventId },
          startTime,
        );
    };
  }
  const heartbeat = startHeartbeat(s, log, m, opts.heartbeatMs);
  const connection = new Redis(s.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = s.queues();
  const prefix = bullPrefix(s.prefix);
  const projectionsQueue = queues.byName[QUEUE.projections]!;
  const relayQueue = queues.byName[QUEUE.relay]!;
  const jobOpts = { removeOnComplete: true, removeOnFail: 1000 };

  const enqueue = async (names: string[], delay = 0) => {
    await projectionsQueue.addBulk(
      names.map((name) => ({ name: 'apply', data: { kind: 'apply', name } satisfies ProjectionJob, opts: { ...jobOpts, delay } })),
    );
  };

  // Per process, one catch-up per consumer at a time; a signal that arrives meanwhile makes it go round again.
  const running = new Map<string, { again: boolean; done: Promise<StepOutcome> }>();
  /** When each consumer's latest step here started (performance.now()), running or finished. */
  const stepAt = new Map<string, number>();
  /** `signalled`: started by the relay, which saw events of this consumer (see ProjectionRunner.catchUp). */
  const catchUp = (name: string, signalled = false): Promise<StepOutcome> => {
    const current = running.get(name);
    if (current) {
      current.again = true;
      return current.done;
    }
    const consumer = consumers.byName.get(name);
    if (!consumer) throw new Error(`Unknown consumer ${name}`);
    const state = { again: false, done: Promise.resolve<StepOutcome>({ kind: 'idle' }) };
    const onStep = () => {
      stepAt.set(name, performance.now());
    };
    state.done = (async () => {
      try {
        let out: StepOutcome;
        let first = true;
        do {
          state.again = false;
          out = await consumer.runner.catchUp(name, onStep, { signalled: signalled && first });
          first = false;
        } while (state.again && out.kind !== 'failed');
        if (out.kind === 'retry') await enqueue([name], out.afterMs);
        return out;
      } finally {
        running.delete(name);
      }
    })();
    running.set(name, state);
    return state.done;
  };
  const names = consumers.consumers.map((c) => c.def.name);
  let stopping = false;
  /**
   * One step for idle consumers of one runner, in one transaction (ProjectionRunner.stepTogether).
   * Each counts as catching up meanwhile, so that a signal for it makes it go round again, on its
   * own; a consumer the shared step did not take goes on with its own catch-up.
   */
  const catchUpTogether = (runner: ProjectionRunner, group: string[]) => {
    const now = performance.now();
    for (const name of group) stepAt.set(name, now);
    const shared = runner.stepTogether(group).catch((err: Error) => {
      log.warn({ projections: group, err: err.message }, 'shared step failed: each consumer steps on its own');
      return new Map<string, StepOutcome>();
    });
    for (const name of group) {
      const state = { again: false, done: Promise.resolve<StepOutcome>({ kind: 'idle' }) };
      state.done = shared.then((outcomes) => {
        running.delete(name);
        const out = outcomes.get(name);
        if (!out) return catchUp(name, true);
        return state.again ? catchUp(name) : out;
      });
      state.done.catch((err: Error) => log.warn({ projection: name, err: err.message }, 'catch-up failed'));
      running.set(name, state);
    }
  };

  /**
   * Starts this process's catch-ups at once, without a queue hop. Not awaited: a failure only
   * delays the work (it is logged, and the next signal or the sweep's BullMQ job picks it up).
   */
  const catchUpHere = (which: readonly string[], seenAt: number) => {
    if (stopping) return;
    // A step that started after the relay's scan (running now, or already done) saw what it saw:
    // no need to go round again (a sweep's job or the relay's previous run may have started it).
    const due = which.filter((name) => (stepAt.get(name) ?? -Infinity) <= seenAt);
    const together = new Set<string>();
    for (const r of consumers.runners) {
      const group = due.filter((name) => consumers.byName.get(name)?.runner === r && !running.has(name) && r.canStepTogether(name));
      if (group.length < 2) continue;
      catchUpTogether(r, group);
      for (const name of group) together.add(name);
    }
    for (const name of due) {
      if (together.has(name)) continue;
      catchUp(name, true).catch((err: Error) => log.warn({ projection: name, err: err.message }, 'catch-up failed'));
    }
  };

  // The relay runs in this process when its LISTEN hears a commit (and from relay jobs: the sweep's,
  // the saga's, duplicates); one run at a time, a signal meanwhile makes it run once more. What it
  // moves starts the catch-ups here directly. No BullMQ job on that path: should this process die
  // after the relay's checkpoint moved, the sweep's jobs apply the events (a delay, not a loss).
  const relay = new Relay(
    s.write.db,
    consumers.consumers.map((c) => ({ name: c.def.name, handles: c.def.handles, local: c.db === s.write })),
    async (n, seenAt) => {
      catchUpHere(n, seenAt);
    },
    log,
    { recheck: () => runRelay() },
  );
  await relay.ensureCheckpoint();
  let relayState: { again: boolean; done: Promise<number> } | null = null;
  const runRelay = (): Promise<number> => {
    if (stopping) return Promise.resolve(0); // a recheck timer firing after stop()
    if (relayState) {
      relayState.again = true;
      return relayState.done;
    }
    const state = { again: false, done: Promise.resolve(0) };
    state.done = (async () => {
      try {
        let moved = 0;
        do {
          state.again = false;
          moved += await relay.run();
        } while (state.again);
        return moved;
      } finally {
        relayState = null;
      }
    })();
    relayState = state;
    return state.done;
  };

  let relayQueued = false;
  const wakeRelay = () => {
    if (relayQueued) return;
    relayQueued = true;
    relayQueue.add('relay', {}, jobOpts).catch((err: Error) => {
      relayQueued = false;
      log.warn({ err: err.message }, 'could not signal the relay');
    });
  };
  /**
   * A commit (NOTIFY on the events channel): the relay runs here. It moves the checkpoints of the
   * consumers that ignore what committed (one statement for all of them) and starts the catch-ups
   * of the others at once; events that wait behind an older open transaction are seen by its
   * recheck, which starts the catch-ups once they pass the horizon. (Starting every consumer on
   * every commit cost a read-side transaction per consumer per command: most of the CPU of a
   * command, docs/benchmarks.md.)
   */
  const onCommit = () => {
    if (stopping) return;
    runRelay().catch((err: Error) => {
      log.warn({ err: err.message }, 'relay run failed; signalling it through its queue');
      wakeRelay();
    });
  };

  const relayWorker = new Worker(
    QUEUE.relay,
    async () => {
      relayQueued = false;
      return runRelay();
    },
    { connection, prefix, concurrency: 1 },
  );
  const projectionWorker = new Worker(
    QUEUE.projections,
    async (job: Job<ProjectionJob>) => {
      const data = job.data;
      if (data.kind === 'rebuild') {
        const c = consumers.byName.get(data.name);
        if (!c) throw new Error(`Unknown projection ${data.name}`);
        return rebuildProjection(c.db, s.write, c.def, log);
      }
      // Already catching up here: it goes round once more, and this job is done. Waiting for it would
      // hold one of the few slots, which fill with such duplicates under load while other projections' signals queue.
      const current = running.get(data.name);
      if (current) {
        current.again = true;
        return { kind: 'coalesced' };
      }
      return catchUp(data.name);
    },
    { connection, prefix, concurrency: consumers.consumers.length + 1 },
  );
  for (const w of [relayWorker, projectionWorker])
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed'));
  for (const w of [relayWorker, projectionWorker]) w.on('error', (err) => log.warn({ queue: w.name, err: err.message }, 'worker error'));

  // After a lost connection comes back, look again: a NOTIFY meanwhile was missed.
  const listener = await s.write.listen(EVENTS_CHANNEL, onCommit, onCommit);
  const sweep = () => {
    relayQueued = false; // a flushed Redis may have lost the queued signal
    wakeRelay();
    enqueue(names).catch((err: Error) => log.warn({ err: err.message }, 'sweep could not enqueue'));
  };
  const timer = setInterval(sweep, opts.sweepMs ?? 2000);
  sweep();
  const extra = await opts.extra?.({ services: s, log, consumers, connection, wakeRelay });
  log.info({ consumers: consumers.consumers.map((c) => c.def.name) }, 'worker started');

  return {
    consumers,
    catchUp,
    async stop() {
      clearInterval(timer);
      stopping = true;
      await heartbeat.stop();
      await listener.unlisten().catch(() => undefined);
      // Runs started here by a NOTIFY finish before the pools close (BullMQ's close waits for its own jobs).
      await Promise.allSettled([relayState?.done, ...[...running.values()].map((r) => r.done)]);
      await extra?.close();
      await Promise.all([relayWorker.close(), projectionWorker.close()]);
      connection.disconnect();
    },
  };
}
