import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { EventMetadata, ProjectedEvent, StoredEvent } from '@/server/domain/events';
import { upcast } from '@/server/domain/upcasters';

/**
 * Where the log is read from: the write database, or, when the read models live in the same
 * database, the consumer's own transaction (so a batch never needs a second pooled connection).
 */
export type Queryable = DbOrTx;

/** A place in the log: events are ordered by (tx_id, position). */
export interface LogPoint {
  txId: bigint;
  position: number;
}

type Row = {
  position: string;
  tx_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata?: EventMetadata;
  occurred_at: Date | string;
};

/** A timestamptz as Postgres prints it in UTC (`2026-01-02 03:04:05.678901+00`), years 1000 to 9999. */
const PG_UTC = /^([1-9]\d{3}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * The ISO-8601 UTC form of a timestamp the driver returned, exactly as `new Date(t).toISOString()`
 * gives it (milliseconds, the rest cut off), without building a Date: a rebuild converts every
 * event's time. Anything else (another time zone, a Date) takes the Date path.
 */
export function isoTime(t: Date | string): string {
  if (typeof t === 'string') {
    const m = PG_UTC.exec(t);
    if (m) return `${m[1]}T${m[2]}.${`${m[3] ?? ''}000`.slice(0, 3)}Z`;
  }
  return new Date(t).toISOString();
}

/** A row of the log as an event at its current version (upcast; not validated again: see `upcast`'s `trusted`). */
export function toStoredEvent(r: Row & { metadata: EventMetadata }): StoredEvent {
  return eventOf(r) as StoredEvent;
}

/**
 * One object per row, on every step of every consumer: its metadata as read, undefined when the read
 * left it out (a ProjectedEvent, whose type has none).
 */
function eventOf(r: Row): ProjectedEvent {
  const { type, data } = upcast(r.type, r.schema_version, r.data, { trusted: true });
  return {
    type,
    data,
    position: Number(r.position),
    txId: r.tx_id,
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: r.stream_version,
    schemaVersion: r.schema_version,
    occurredAt: isoTime(r.occurred_at),
    metadata: r.metadata,
  } as ProjectedEvent;
}

/**
 * The safe horizon: every transaction with an id below it has ended, so the events it wrote are
 * final and no event can ever appear before it in (tx_id, position) order.
 */
export async function safeHorizon(db: Queryable): Promise<bigint> {
  const [row] = await db.execute<{ x: string }>(sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x`);
  return BigInt(row!.x);
}

/**
 * `column || ''`: the same text, but no index on the column matches it, so the planner cannot pick
 * the (type, position) index for a type filter. Reads past a checkpoint are short ranges of the
 * (tx_id, position) index; through the type index they read every event of those types in the whole
 * log, which Postgres chose whenever its statistics were stale (before the first ANALYZE of a
 * loaded log, say), and which grows with the log (tests/integration/probe-plan.test.ts).
 */
export const notIndexed = (column: SQL) => sql`(${column} || '')`;

/**
 * The condition "an event of these types" (all when null) on a read of a range of the log: the type
 * checked per row (notIndexed), or, with `byType` (a rebuild reading the whole log), through the type index.
 */
export function ofTypes(types: readonly string[] | null | undefined, { byType = false }: { byType?: boolean } = {}): SQL {
  if (!types) return sql`true`;
  return sql`${byType ? sql`type` : notIndexed(sql`type`)} IN (${sqlList(types)})`;
}

/** Values as a list of parameters, for `IN (…)`. */
export const sqlList = (values: readonly string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * Where a step of a consumer leaves its checkpoint: after the last event it applies, or, when its
 * read did not fill a batch, at the last event below the horizon (past the events it handles, it
 * has also seen everything else below it). Null when that does not move it past `from` (idle).
 */
export function stepEnd(from: LogPoint, events: readonly { txId: string; position: number }[], last: LogPoint | null, full: boolean) {
  const lastEvent = events[events.length - 1];
  let next = lastEvent ? { txId: BigInt(lastEvent.txId), position: lastEvent.position } : from;
  if (!full && last && after(last, next)) next = last;
  return events.length === 0 && !after(next, from) ? null : next;
}

/** How a read of the log is made: see readEvents. */
interface ReadOptions {
  byType?: boolean;
  metadata?: boolean;
}

/**
 * Events after `after`, below `horizon`, of the given types (all when null), in log order. Read
 * through the (tx_id, position) index from `after` on (see notIndexed); a rebuild, which reads the
 * whole log for a few types, passes `byType` to let the type index serve it. With `metadata: false`
 * (a rebuild of projections, which are not given it) the metadata is neither sent nor parsed: about
 * a fifth of what a rebuild spends outside the projections' own SQL (docs/benchmarks.md).
 * ORDER BY names the table's columns: a bare `tx_id` would mean the output column `tx_id::text`,
 * and text order puts 100000 before 99999 (events skipped and reordered when the ids gain a digit).
 */
export async function readEvents<M extends boolean = true>(
  db: Queryable,
  after: LogPoint,
  horizon: bigint,
  types: readonly string[] | null,
  limit: number,
  opts: ReadOptions & { metadata?: M } = {},
): Promise<M extends false ? ProjectedEvent[] : StoredEvent[]> {
  const rows = await db.execute<Row>(eventsAfterStatement(after, horizon, types, limit, opts));
  return rows.map(eventOf) as M extends false ? ProjectedEvent[] : StoredEvent[];
}

/** readEvents' statement (exported for the test of its plan). */
export function eventsAfterStatement(
  after: LogPoint,
  horizon: bigint,
  types: readonly string[] | null,
  limit: number,
  { byType = false, metadata = true }: ReadOptions = {},
) {
  return sql`
    SELECT position, tx_id::text, event_id, stream_id, stream_version, type, schema_version, data,${metadata ? sql` metadata,` : sql``} occurred_at
    FROM events
    WHERE (tx_id, position) > (${after.txId.toString()}::xid8, ${after.position}) AND tx_id < ${horizon.toString()}::xid8
      AND ${ofTypes(types, { byType })}
    ORDER BY events.tx_id, events.position LIMIT ${limit}`;
}

/** The last event below the horizon: where a consumer that saw everything below it stands. */
export async function lastBefore(db: Queryable, horizon: bigint): Promise<LogPoint | null> {
  const [row] = await db.execute<{ tx_id: string; position: string }>(sql`
    SELECT tx_id::text, position FROM events WHERE tx_id < ${horizon.toString()}::xid8
    ORDER BY events.tx_id DESC, events.position DESC LIMIT 1`);
  return row ? { txId: BigInt(row.tx_id), position: Number(row.position) } : null;
}

export const after = (a: LogPoint, b: LogPoint) => a.txId > b.txId || (a.txId === b.txId && a.position > b.position);
