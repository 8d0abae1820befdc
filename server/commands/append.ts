import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { currentVersion, type DomainEvent, type EventMetadata } from '@/server/domain/events';

export const EVENTS_CHANNEL = 'ledgerline_events';

/**
 * Appends events to one stream after `expectedVersion`, in the caller's transaction. The unique
 * (stream_id, stream_version) index turns a lost race into an error, never a silent overwrite.
 * `pg_notify` is transactional: the relay is woken only when the transaction commits.
 * Returns the position of the last event appended (0 when there were none).
 */
export async function appendToStream(
  tx: Tx,
  stream: string,
  expectedVersion: number,
  events: DomainEvent[],
  metadata: EventMetadata,
  occurredAt: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  const at = occurredAt.toISOString();
  const rows = events.map((e, i) => sql`(${randomUUID()}::uuid, ${stream}, ${expectedVersion + i + 1}::int, ${e.type}, ${currentVersion(e.type)}::int, ${JSON.stringify(e.data)}::jsonb, ${JSON.stringify(metadata)}::jsonb, ${at}::timestamptz)`);
  const result = await tx.execute<{ position: string }>(sql`
    WITH ins AS (
      INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      VALUES ${sql.join(rows, sql`, `)}
      RETURNING position
    )
    SELECT max(position)::text AS position, pg_notify(${EVENTS_CHANNEL}, '') FROM ins`);
  return Number(result[0]?.position ?? 0);
}
