import { sql } from 'drizzle-orm';
import { pgTable, bigserial, uuid, text, integer, jsonb, timestamp, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { xid8 } from './types';

/**
 * The event log, which is also the transactional outbox. `tx_id` records the writing transaction so
 * readers can take only events whose transaction is older than every running one (docs/architecture.md, invariant 2).
 */
export const events = pgTable(
  'events',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    txId: xid8('tx_id')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    eventId: uuid('event_id').notNull(),
    streamId: text('stream_id').notNull(),
    streamVersion: integer('stream_version').notNull(),
    type: text('type').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    data: jsonb('data').notNull(),
    metadata: jsonb('metadata').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** When the row was written (occurred_at may be historical: imports, demo data); lag is measured on it. */
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' })
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    uniqueIndex('events_stream_version_key').on(t.streamId, t.streamVersion),
    uniqueIndex('events_event_id_key').on(t.eventId),
    index('events_tx_position_idx').on(t.txId, t.position),
    index('events_type_idx').on(t.type, t.position),
    index('events_correlation_idx').on(sql`(${t.metadata}->>'correlationId')`),
  ],
);
