import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { createLogger } from '@/server/log';
import { currentVersion, type DomainEvent, type EventMetadata } from '@/server/domain/events';
import { EVENTS_CHANNEL } from '@/server/readside/channels';

/**
 * Appends events to one stream after `expectedVersion`, in the caller's transaction. The unique
 * (stream_id, stream_version) index turns a lost race into an error, never a silent overwrite.
 * `pg_notify` is transactional: the relay is woken only when the transaction commits. With
 * `notify: false` the caller wakes the relay itself after its commit (`wakeRelay`), as runCommand
 * does: every NOTIFY takes a cluster-wide lock held through the commit's WAL flush, so notifying
 * inside each command serialises all command commits (see docs/benchmarks.md, "Commands").
 * Returns the position of the last event appended (0 when there were none).
 */
export async function appendToStream(
  tx: Tx,
  stream: string,
  expectedVersion: number,
  events: DomainEvent[],
  metadata: EventMetadata,
  occurredAt: Date,
  opts: { notify?: boolean } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const at = occurredAt.toISOString();
  const rows = events.map(
    (e, i) =>
      sql`(${randomUUID()}::uuid, ${stream}, ${expectedVersion + i + 1}::int, ${e.type}, ${currentVersion(e.type)}::int, ${JSON.stringify(e.data)}::jsonb, ${JSON.stringify(metadata)}::jsonb, ${at}::timestamptz)`,
  );
  const result = await tx.execute<{ position: string }>(sql`
    WITH ins AS (
      INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      VALUES ${sql.join(rows, sql`, `)}
      RETURNING position
    )
    SELECT max(position)::text AS position${opts.notify === false ? sql`` : sql`, pg_notify(${EVENTS_CHANNEL}, '')`} FROM ins`);
  return Number(result[0]?.position ?? 0);
}

/** One event of a batch, on its stream at its version, with its command's metadata and time. */
export interface AppendRow {
  stream: string;
  version: number;
  event: DomainEvent;
  metadata: EventMetadata;
  at: Date;
}

/**
 * Appends the events of many commands in one statement, positions given in the order of `rows`
 * (runCommandBatch). No NOTIFY: the caller wakes the relay after its commit. The same unique
 * index turns a lost race into an error. Returns each row's position, in the order of `rows`.
 */
export async function appendRows(tx: Tx, rows: readonly AppendRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const json = rows.map((r) => ({
    event_id: randomUUID(),
    stream_id: r.stream,
    stream_version: r.version,
    type: r.event.type,
    schema_version: currentVersion(r.event.type),
    data: r.event.data,
    metadata: r.metadata,
    occurred_at: r.at.toISOString(),
  }));
  const inserted = await tx.execute<{ stream_id: string; stream_version: number; position: string }>(sql`
    INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
    SELECT v.event_id, v.stream_id, v.stream_version, v.type, v.schema_version, v.data, v.metadata, v.occurred_at
    FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
      AS (event_id uuid, stream_id text, stream_version int, type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz))
      WITH ORDINALITY AS v(event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, n)
    ORDER BY v.n
    RETURNING stream_id, stream_version, position::text`);
  const at = new Map(inserted.map((r) => [`${r.stream_id}\0${r.stream_version}`, Number(r.position)]));
  return rows.map((r) => at.get(`${r.stream}\0${r.version}`)!);
}

const log = createLogger('ledgerline-commands');
const wakeStatement = sql.raw(`NOTIFY ${EVENTS_CHANNEL}`);
const wakes = new WeakMap<Db, { running: boolean; again: boolean; done: Promise<void> }>();

/** Resolves when no wake of this pool is in flight (before closing the pool). */
export function relayWakesSettled(db: Db): Promise<void> {
  return wakes.get(db)?.done ?? Promise.resolve();
}

/**
 * Wakes the relay after a commit, without waiting. At most one NOTIFY per pool is in flight; wakes
 * asked for meanwhile are folded into one more NOTIFY sent after it, so every commit is followed by
 * a NOTIFY that started after it. Should this process die before the NOTIFY, the worker's periodic
 * sweep (2 s) relays the events: the events themselves are already committed (docs/architecture.md, invariant 1).
 */
export function wakeRelay(db: Db): void {
  let w = wakes.get(db);
  if (!w) wakes.set(db, (w = { running: false, again: false, done: Promise.resolve() }));
  if (w.running) {
    w.again = true;
    return;
  }
  const state = w;
  state.running = true;
  state.done = (async () => {
    try {
      do {
        state.again = false;
        await db.execute(wakeStatement); // no parameters: one round trip
      } while (state.again);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not wake the relay; its sweep will relay the events');
    } finally {
      state.running = false;
    }
  })();
}
