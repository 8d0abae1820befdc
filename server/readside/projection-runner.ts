import { sql } from 'drizzle-orm';
import type { DbHandle, Tx } from '@/db/client';
import type { ConsumerDefinition } from './consumer';
import type { StoredEvent } from '@/server/domain/events';
import { checkpointNotice, PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import { after, lastBefore, readEvents, safeHorizon, sqlList, stepEnd, type LogPoint } from '@/server/readside/log';
import type { Logger } from '@/server/log';
import { blockedStreams, holdBlocked, parkPoison } from './parked-streams';

export interface RunnerOptions {
  batchSize?: number;
  maxAttempts?: number;
  backoffMs?: number;
}
export type StepOutcome =
  { kind: 'applied'; events: number; more: boolean } | { kind: 'idle' } | { kind: 'failed' } | { kind: 'retry'; afterMs: number };

type CheckpointRow = {
  tx_id: string;
  position: string;
  status: string;
  failing_position: string | null;
  failing_attempts: number;
  retry_in_ms: number | null;
};

const pointOf = (e: StoredEvent): LogPoint => ({ txId: BigInt(e.txId), position: e.position });

type StepCheckpoint = CheckpointRow & { name: string; row_version: string; horizon: string };
const pointOfCheckpoint = (ck: StepCheckpoint): LogPoint => ({ txId: BigInt(ck.tx_id), position: Number(ck.position) });

/**
 * A step's first statement (one round trip): the lock timeout (another worker applying a consumer
 * holds its row: wait for it, then start again from its checkpoint), the checkpoints, and the safe horizon.
 */
const stepCheckpoints = (names: readonly string[]) => sql`
  SELECT set_config('lock_timeout', '30s', true) AS lock_timeout, name,
    tx_id::text, position, status, failing_position, failing_attempts, xmin::text AS row_version,
    ceil(extract(epoch FROM retry_after - now()) * 1000)::int AS retry_in_ms,
    pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
  FROM projection_checkpoints WHERE name IN (${sqlList(names)})`;

/**
 * A step's probe: the checkpoint's status, and whether an event lies past it below the safe
 * horizon. Written as "the first event after the checkpoint, in log order, is below the horizon"
 * (the first has the lowest tx_id of them all, so this is the same question), which reads one entry
 * of the (tx_id, position) index. Asked as EXISTS (… > checkpoint AND tx_id < horizon), Postgres
 * planned a sequential scan of the log, which a caught-up consumer (the common case) ran to the
 * end: 24–32 ms at 160,000 events, on every signal, for every consumer, growing with the log.
 */
export const probeStatement = (name: string) => sql`
  SELECT c.status, COALESCE((SELECT e.tx_id FROM events e WHERE (e.tx_id, e.position) > (c.tx_id, c.position)
    ORDER BY e.tx_id, e.position LIMIT 1) < pg_snapshot_xmin(pg_current_snapshot()), false) AS more
  FROM projection_checkpoints c WHERE c.name = ${name}`;

/**
 * Applies each projection's events in log order, in batches; rows and checkpoint commit together
 * on the read database. A batch commits only while holding the checkpoint row (FOR UPDATE) and only
 * if the row is unchanged since the batch was read, so any number of workers may call `catchUp`
 * and each event is applied exactly once.
 */
export class ProjectionRunner {
  private byName: Map<string, ConsumerDefinition>;
  readonly batchSize: number;
  private maxAttempts: number;
  private backoffMs: number;
  /** Called after each committed batch, with its duration in seconds. */
  onApplied?: (name: string, events: StoredEvent[], seconds: number) => void;

  constructor(
    private source: DbHandle,
    private read: DbHandle,
    defs: ConsumerDefinition[],
    private log: Logger,
    opts: RunnerOptions = {},
  ) {
    this.byName = new Map(defs.map((d) => [d.name, d]));
    this.batchSize = opts.batchSize ?? 1000;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.backoffMs = opts.backoffMs ?? 500;
  }

  get definitions() {
    return [...this.byName.values()];
  }

  definition(name: string): ConsumerDefinition {
    const def = this.byName.get(name);
    if (!def) throw new Error(`Unknown projection ${name}`);
    return def;
  }

  /** Creates missing checkpoint rows; returns the projections whose stored version is older than the code's. */
  async ensureCheckpoints(): Promise<string[]> {
    const stale: string[] = [];
    for (const def of this.byName.values()) {
      await this.read.sql`INSERT INTO projection_checkpoints (name, version) VALUES (${def.name}, ${def.version}) ON CONFLICT DO NOTHING`;
      const [row] = await this.read.sql<{ version: number }[]>`SELECT version FROM projection_checkpoints WHERE name = ${def.name}`;
      if (row && row.version !== def.version) stale.push(def.name);
    }
    return stale;
  }

  /**
   * Applies batches until a step finds nothing new (so events committed while it ran are taken
   * too), or the projection cannot go on (failed, or waiting to retry). `onStep` is called as each step starts.
   *
   * `signalled`: the caller knows events of this consumer are waiting (the relay saw them) and will
   * call again for anything committed later (the worker goes round again on every signal that
   * arrives meanwhile). The first step then skips its probe, and a batch that was not full (it took
   * everything below its horizon) ends the catch-up without one more probe: two statements less.
   */
  async catchUp(name: string, onStep?: () => void, opts: { signalled?: boolean } = {}): Promise<StepOutcome> {
    let total = 0;
    let probe = !opts.signalled;
    for (;;) {
      onStep?.();
      const outcome = await this.step(name, { probe });
      probe = true;
      if (outcome.kind === 'applied') {
        total += outcome.events;
        if (opts.signalled && !outcome.more) return { kind: 'applied', events: total, more: false };
        continue;
      }
      return outcome.kind === 'idle' && total > 0 ? { kind: 'applied', events: total, more: false } : outcome;
    }
  }

  /**
   * One batch in one read-side transaction. Until it writes, the step takes no transaction id: an
   * open transaction with one holds back the safe horizon of every consumer (docs/architecture.md, invariant 2), so the
   * checkpoint row is locked only for the write, and the batch is dropped if the row moved meanwhile.
   */
  async step(name: string, opts: { probe?: boolean } = {}): Promise<StepOutcome> {
    try {
      return await this.stepOnce(name, null, opts.probe ?? true);
    } catch (err) {
      // The batch failed as a whole: that transaction is rolled back, and the step runs again guarded.
      if (err instanceof BatchFailed) return this.stepOnce(name, err, false);
      throw err;
    }
  }

  /**
   * First (`failed` null) the batch is applied in the step's transaction as it is (no savepoint: two
   * round trips less on every step), and an error rolls the whole step back (BatchFailed). Then,
   * with that failure, the step runs guarded: in savepoints, so that a poison event is found and
   * handled (onFailure). If it reads the same batch, the whole-batch attempt already made is not
   * made again: events are applied one at a time, as if the first attempt had been in a savepoint.
   */
  private async stepOnce(name: string, failed: BatchFailed | null, probe: boolean): Promise<StepOutcome> {
    const def = this.definition(name);
    const started = performance.now();
    if (probe && this.source === this.read) {
      // Most signals find nothing new: say so in one statement, without a transaction.
      const [probe] = await this.read.db.execute<{ status: string; more: boolean }>(probeStatement(name));
      if (probe?.status === 'failed') return { kind: 'failed' };
      if (probe && !probe.more) return { kind: 'idle' };
    }
    return this.read.db.transaction(async (tx) => {
      const [ck] = await tx.execute<StepCheckpoint>(stepCheckpoints([name]));
      if (!ck) throw new Error(`No checkpoint row for projection ${name}`);
      if (ck.status === 'failed') return { kind: 'failed' } as const;
      if (ck.retry_in_ms !== null && ck.retry_in_ms > 0) return { kind: 'retry', afterMs: ck.retry_in_ms } as const;
      const from = pointOfCheckpoint(ck);
      const sameDb = this.source === this.read;
      const log = sameDb ? tx : this.source.db;
      // The horizon is the log's: read with the checkpoint when they share a server, else from the log's database.
      const horizon = sameDb ? BigInt(ck.horizon) : await safeHorizon(log);
      // Both in one round trip (pipelined on the transaction's connection).
      const [events, last] = await Promise.all([readEvents(log, from, horizon, def.handles, this.batchSize), lastBefore(log, horizon)]);
      const full = events.length === this.batchSize;
      const next = stepEnd(from, events, last, full);
      if (!next) return { kind: 'idle' } as const;

      // park-stream: the events of a stream with a parked event wait behind it, in order (read with the lock).
      const [[locked], blocked] = await Promise.all([
        tx.execute<{ row_version: string }>(sql`
          SELECT xmin::text AS row_version FROM projection_checkpoints WHERE name = ${name} FOR UPDATE`),
        def.onError === 'park-stream' ? blockedStreams(tx, name) : new Map<string, number>(),
      ]);
      // Another worker moved the checkpoint (or a rebuild swapped the tables) since it was read.
      if (locked?.row_version !== ck.row_version) return { kind: 'applied', events: 0, more: true } as const;
      const toApply = blocked.size ? events.filter((e) => !blocked.has(e.streamId)) : events;
      const save = async () => {
        await holdBlocked(tx, name, events, blocked, next);
        await this.saveCheckpoint(tx, name, next, toApply);
      };
      if (!failed) {
        // Rows and checkpoint sent together (pipelined): one transaction, so the order between them does not matter.
        const [applied, saved] = await Promise.allSettled([toApply.length ? def.applyBatch(tx, toApply) : null, save()]);
        if (applied.status === 'rejected') throw new BatchFailed(toApply, applied.reason);
        if (saved.status === 'rejected') throw saved.reason;
      } else {
        const failure = await this.applyGuarded(tx, def, toApply, failed.sameBatch(toApply) ? failed.error : undefined);
        if (failure) return this.onFailure(tx, def, ck, from, toApply, failure, { events, blocked });
        await save();
      }
      this.onApplied?.(name, toApply, (performance.now() - started) / 1000);
      return { kind: 'applied', events: toApply.length, more: full } as const;
    });
  }

  /** Whether `name` may share a step with other consumers of this runner (see stepTogether). */
  canStepTogether(name: string): boolean {
    const def = this.definition(name);
    // Process managers keep their own steps: the commands they issue order their own locks (the
    // saga's stock locks by product id), which two of them interleaved in one transaction would not.
    return this.source === this.read && def.kind === 'projection' && def.onError !== 'park-stream';
  }

  /**
   * One step for several consumers of this runner, in one read-side transaction: the checkpoints and
   * the horizon in one statement, the events after the earliest checkpoint of the types any of them
   * handles in another, their checkpoint rows locked together (in name order, so that two such steps
   * never wait on each other in a cycle), then every batch and checkpoint pipelined, one COMMIT. Each
   * consumer's rows commit with its own checkpoint, as in `step`; one commit that wakes four read
   * models costs 5 round trips and one transaction instead of 20 and four (docs/benchmarks.md).
   *
   * For the common case only: a commit's few events. It returns an outcome for the consumers it
   * stepped, and leaves the others to their own steps (`step`, with its failure handling): a
   * consumer that failed, waits to retry or is retrying an event; one whose checkpoint row another
   * step holds (SKIP LOCKED: the shared step never waits for a row while holding others) or that
   * moved since it was read (another worker); all of them when the read fills a batch (a long
   * catch-up), or when any batch fails, and then the whole transaction is rolled back: nothing is
   * applied twice, and a poison event is found by its consumer's own step. Until it locks, it takes
   * no transaction id.
   */
  async stepTogether(names: readonly string[]): Promise<Map<string, StepOutcome>> {
    const started = performance.now();
    const stepped = new Map<string, StepOutcome>();
    if (names.length === 0 || !names.every((n) => this.canStepTogether(n))) return stepped;
    try {
      await this.read.db.transaction(async (tx) => {
        const cks = await tx.execute<StepCheckpoint>(stepCheckpoints(names));
        const mine = cks.filter(
          (c) => c.status !== 'failed' && c.failing_position === null && !(c.retry_in_ms !== null && c.retry_in_ms > 0),
        );
        if (mine.length === 0) return;
        const horizon = BigInt(mine[0]!.horizon);
        const points = mine.map((c) => ({ c, from: pointOfCheckpoint(c) }));
        const earliest = points.reduce((a, b) => (after(a.from, b.from) ? b : a)).from;
        const types = [...new Set(mine.flatMap((c) => this.definition(c.name).handles))];
        const [events, last] = await Promise.all([readEvents(tx, earliest, horizon, types, this.batchSize), lastBefore(tx, horizon)]);
        if (events.length === this.batchSize) return;

        const work: { name: string; def: ConsumerDefinition; rowVersion: string; events: StoredEvent[]; next: LogPoint }[] = [];
        for (const { c, from } of points) {
          const def = this.definition(c.name);
          const own = events.filter((e) => after(pointOf(e), from) && def.handles.includes(e.type));
          const next = stepEnd(from, own, last, false);
          if (!next) stepped.set(c.name, { kind: 'idle' });
          else work.push({ name: c.name, def, rowVersion: c.row_version, events: own, next });
        }
        if (work.length === 0) return;

        const locked = await tx.execute<{ name: string; row_version: string }>(sql`
          SELECT name, xmin::text AS row_version FROM projection_checkpoints
          WHERE name IN (${sqlList(work.map((w) => w.name))}) ORDER BY name FOR UPDATE SKIP LOCKED`);
        // A row another step holds (skipped: no waiting for it while holding the others), or one that
        // moved since it was read, is left out: that consumer takes its own step; nothing of it was written.
        const versions = new Map(locked.map((r) => [r.name, r.row_version]));
        const mineNow = work.filter((w) => versions.get(w.name) === w.rowVersion);
        if (mineNow.length === 0) return;
        const results = await Promise.allSettled(
          mineNow.flatMap((w) => [
            w.events.length ? w.def.applyBatch(tx, w.events) : null,
            this.saveCheckpoint(tx, w.name, w.next, w.events),
          ]),
        );
        if (results.some((r) => r.status === 'rejected')) throw new NotTogether();
        const seconds = (performance.now() - started) / 1000;
        for (const w of mineNow) {
          this.onApplied?.(w.name, w.events, seconds);
          stepped.set(w.name, { kind: 'applied', events: w.events.length, more: false });
        }
      });
      return stepped;
    } catch (err) {
      // Rolled back: nothing of it was applied, and each consumer takes its own step.
      if (err instanceof NotTogether) return new Map();
      throw err;
    }
  }

  /**
   * Applies the batch in a savepoint; on error, applies one event at a time to find the poison one.
   * `batchError`: the whole batch already failed with it (outside a savepoint): straight to one at a time.
   */
  private async applyGuarded(tx: Tx, def: ConsumerDefinition, events: StoredEvent[], batchError?: unknown) {
    if (events.length === 0) return null;
    try {
      if (batchError !== undefined) throw batchError;
      await tx.transaction((sp) => def.applyBatch(sp, events));
      return null;
    } catch (batchErr) {
      if (events.length === 1) return { index: 0, error: batchErr };
      for (let i = 0; i < events.length; i++) {
        try {
          await tx.transaction((sp) => def.applyBatch(sp, [events[i]!]));
        } catch (error) {
          return { index: i, error };
        }
      }
      return null; // only the batch as a whole failed; one at a time, every event applied
    }
  }

  /**
   * A poison event: the events before it are kept; the event is retried with backoff, and once its
   * attempts are spent the projection either halts (`failed`, with the error), parks it as a
   * dead letter and moves on, or (`park-stream`) parks it and blocks its stream. Events of blocked
   * streams up to the saved checkpoint are parked in the same transaction (`held`).
   */
  private async onFailure(
    tx: Tx,
    def: ConsumerDefinition,
    ck: CheckpointRow,
    from: LogPoint,
    events: StoredEvent[],
    failure: { index: number; error: unknown },
    batch: { events: StoredEvent[]; blocked: Map<string, number> },
  ): Promise<StepOutcome> {
    const poison = events[failure.index]!;
    const applied = events.slice(0, failure.index);
    const prefixEnd = applied.length ? pointOf(applied[applied.length - 1]!) : from;
    const message = errorText(failure.error);
    const attempts = Number(ck.failing_position) === poison.position ? ck.failing_attempts + 1 : 1;
    this.log.warn(
      { projection: def.name, eventId: poison.eventId, position: poison.position, attempts, err: message },
      'projection event failed',
    );
    if (attempts < this.maxAttempts) {
      await holdBlocked(tx, def.name, batch.events, batch.blocked, prefixEnd);
      await this.saveCheckpoint(tx, def.name, prefixEnd, applied);
      const afterMs = this.backoffMs * 2 ** (attempts - 1);
      await tx.execute(sql`UPDATE projection_checkpoints SET failing_position = ${poison.position}, failing_attempts = ${attempts},
        last_error = ${message}, retry_after = now() + ${afterMs} * interval '1 millisecond' WHERE name = ${def.name}`);
      return { kind: 'retry', afterMs };
    }
    if (def.onError === 'halt') {
      await holdBlocked(tx, def.name, batch.events, batch.blocked, prefixEnd);
      await this.saveCheckpoint(tx, def.name, prefixEnd, applied);
      await tx.execute(sql`UPDATE projection_checkpoints SET status = 'failed', failing_position = ${poison.position},
        failing_attempts = ${attempts}, last_error = ${`event ${poison.position} (${poison.type}): ${message}`} WHERE name = ${def.name}`);
      this.log.error({ projection: def.name, eventId: poison.eventId, position: poison.position }, 'projection halted');
      return { kind: 'failed' };
    }
    await holdBlocked(tx, def.name, batch.events, batch.blocked, pointOf(poison));
    await parkPoison(tx, def.name, poison, message, attempts);
    await this.saveCheckpoint(tx, def.name, pointOf(poison), applied);
    this.log.error(
      { projection: def.name, eventId: poison.eventId, position: poison.position, policy: def.onError },
      'event dead-lettered',
    );
    return { kind: 'applied', events: applied.length, more: true };
  }

  private async saveCheckpoint(tx: Tx, name: string, point: LogPoint, events: StoredEvent[]) {
    const lastAt = events.length ? events[events.length - 1]!.occurredAt : null;
    await tx.execute(sql`
      UPDATE projection_checkpoints SET tx_id = ${point.txId.toString()}::xid8, position = ${point.position},
        last_event_at = COALESCE(${lastAt}::timestamptz, last_event_at), updated_at = now(),
        failing_position = NULL, failing_attempts = 0, retry_after = NULL, last_error = NULL,
        events_applied = events_applied + ${events.length}
      WHERE name = ${name}
      RETURNING pg_notify(${PROJECTIONS_CHANNEL}, ${sql.raw(checkpointNotice('projection_checkpoints'))})`);
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

/** A step of several consumers that is rolled back, for each of them to take its own step. */
class NotTogether extends Error {
  constructor() {
    super('step together dropped');
  }
}

/** A batch that failed in a step without savepoints: the step is rolled back and runs again guarded. */
class BatchFailed extends Error {
  private positions: number[];
  constructor(
    events: StoredEvent[],
    readonly error: unknown,
  ) {
    super('batch failed');
    this.positions = events.map((e) => e.position);
  }

  sameBatch(events: StoredEvent[]) {
    return events.length === this.positions.length && events.every((e, i) => e.position === this.positions[i]);
  }
}
