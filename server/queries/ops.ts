import { sql, type SQL } from 'drizzle-orm';
import type { DbHandle } from '@/db/client';
import type { BothDbDeps, ReadDbDeps, WriteDeps } from '@/server/deps';
import { decodeCursor, type Answer } from './read-model';
import { pageOf, normalizeTimes } from './rows';
import { upcast } from '@/server/domain/upcasters';
import { consumers } from '@/server/consumers';
import { redactEventData } from '@/server/domain/redact';
import { ofTypes } from '@/server/readside/log';

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  head: number;
  lagEvents: number;
  lagSeconds: number;
  status: string;
  /** Events parked in dead letters (counted in lagEvents too). */
  parkedEvents: number;
  lastError: string | null;
  eventsApplied: number;
  updatedAt: string;
  rebuild: { state: string; processed: number; total: number; startedAt: string; finishedAt?: string; error?: string } | null;
}

/**
 * Lag against the true head of the log: the events a projection handles that lie after its
 * checkpoint, and the age of the oldest of them. A stopped worker therefore shows lag that grows,
 * never a frozen zero. Not cached.
 */
export async function projectionStatus(s: BothDbDeps): Promise<Answer<ProjectionStatus[]>> {
  // Each consumer's checkpoint lives in the database it declares: the read models' in the read
  // database, the saga's in the write database (two different servers when READ_DATABASE_URL differs).
  const inWrite = consumers.filter((c) => c.database === 'write').map((c) => sql`${c.name}`);
  const checkpoints = (db: DbHandle, where: SQL) =>
    db.db.execute<{
      name: string;
      version: number;
      tx_id: string;
      position: string;
      status: string;
      last_error: string | null;
      events_applied: string;
      updated_at: Date;
      rebuild: ProjectionStatus['rebuild'];
    }>(sql`
    SELECT name, version, tx_id::text, position, status, last_error, events_applied, updated_at, rebuild FROM projection_checkpoints
    WHERE name NOT LIKE '$%' AND ${where}`);
  const cks = [
    ...(await checkpoints(s.read, inWrite.length ? sql`name NOT IN (${sql.join(inWrite, sql`, `)})` : sql`true`)),
    ...(inWrite.length ? await checkpoints(s.write, sql`name IN (${sql.join(inWrite, sql`, `)})`) : []),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const [head] = await s.write.db.execute<{ head: string | null }>(sql`SELECT max(position) AS head FROM events`);
  // Parked events are not applied: they count as lag, with their age, until retried or discarded.
  const parked = new Map(
    (
      await s.read.db.execute<{ projection: string; n: string; positions: string[] }>(sql`
    SELECT projection, count(*) AS n, array_agg(position::text) AS positions FROM dead_letters WHERE resolved_at IS NULL GROUP BY projection`)
    ).map((r) => [r.projection, { n: Number(r.n), positions: r.positions.map(Number) }]),
  );
  const data = await Promise.all(
    cks.map(async (c) => {
      const handles = consumers.find((p) => p.name === c.name)?.handles;
      const [lag] = await s.write.db.execute<{ n: string; oldest: Date | null }>(sql`
      SELECT count(*) AS n, min(recorded_at) AS oldest FROM events WHERE (tx_id, position) > (${c.tx_id}::xid8, ${c.position})
        AND ${ofTypes(handles) /* the range since the checkpoint, not every event of these types in the log */}`);
      const park = parked.get(c.name);
      const [parkedOldest] = park
        ? await s.write.db.execute<{ oldest: Date | null }>(sql`
      SELECT min(recorded_at) AS oldest FROM events WHERE position = ANY(${`{${park.positions.join(',')}}`}::bigint[])`)
        : [];
      const oldest =
        [lag?.oldest, parkedOldest?.oldest]
          .filter((d): d is Date => !!d)
          .map((d) => new Date(d))
          .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
      return {
        name: c.name,
        version: c.version,
        position: Number(c.position),
        head: Number(head?.head ?? 0),
        lagEvents: Number(lag?.n ?? 0) + (park?.n ?? 0),
        parkedEvents: park?.n ?? 0,
        lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
        status: c.rebuild && c.rebuild.state === 'running' ? 'rebuilding' : c.status,
        lastError: c.last_error,
        eventsApplied: Number(c.events_applied),
        updatedAt: new Date(c.updated_at).toISOString(),
        rebuild: c.rebuild,
      };
    }),
  );
  return { data, freshness: { position: Number(head?.head ?? 0), stale: false } };
}

export type EventView = {
  position: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  occurredAt: string;
};

/** The event log, newest first, for the explorer; data shown upcast to the current version. */
export async function listEvents(
  s: WriteDeps,
  input: { streamId?: string; correlationId?: string; type?: string; limit: number; cursor?: string },
) {
  const after = decodeCursor(input.cursor, ['number']);
  const rows = await s.write.db.execute<EventView>(sql`
    SELECT position::float8 AS position, event_id AS "eventId", stream_id AS "streamId", stream_version AS "streamVersion", type,
      schema_version AS "schemaVersion", data, metadata, occurred_at AS "occurredAt"
    FROM events
    WHERE ${input.streamId ? sql`stream_id = ${input.streamId}` : sql`true`}
      AND ${input.correlationId ? sql`metadata->>'correlationId' = ${input.correlationId}` : sql`true`}
      AND ${input.type ? sql`type = ${input.type}` : sql`true`}
      AND ${after ? sql`position < ${Number(after[0])}` : sql`true`}
    ORDER BY position DESC LIMIT ${input.limit + 1}`);
  const items = rows.map((r) => {
    let data = r.data;
    try {
      data = upcast(r.type, r.schemaVersion, r.data).data;
    } catch {
      /* show what is stored */
    }
    // Secrets (payment tokens of orders placed before references) never reach the explorer.
    return normalizeTimes({ ...r, data: redactEventData(r.type, data) }, ['occurredAt']);
  });
  const [head] = await s.write.db.execute<{ head: string | null }>(sql`SELECT max(position) AS head FROM events`);
  return { data: pageOf(items, input.limit, (e) => [e.position]), freshness: { position: Number(head?.head ?? 0), stale: false } };
}

export async function listDeadLetters(s: ReadDbDeps) {
  const rows = await s.read.db.execute<{
    id: number;
    projection: string;
    position: number;
    eventType: string;
    error: string;
    attempts: number;
    createdAt: string;
    resolvedAt: string | null;
    streamId: string | null;
    held: boolean;
    discardedAt: string | null;
  }>(sql`
    SELECT id, projection, position::float8 AS position, event_type AS "eventType", error, attempts, created_at AS "createdAt", resolved_at AS "resolvedAt",
      stream_id AS "streamId", held, discarded_at AS "discardedAt"
    FROM dead_letters ORDER BY resolved_at IS NOT NULL, id DESC LIMIT 500`);
  return { data: rows.map((r) => normalizeTimes(r, ['createdAt', 'resolvedAt', 'discardedAt'])), freshness: { position: 0, stale: false } };
}
