import { sql } from 'drizzle-orm';
import type { DbHandle } from '@/db/client';
import { notFound, conflict } from '@/server/domain/errors';
import { toStoredEvent } from './log';
import type { ConsumerDefinition } from './consumer';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';

/**
 * Applies a parked event again (after the fix is deployed). Holds the projection's checkpoint lock
 * so it never runs beside a batch; marks the letter resolved in the same transaction.
 */
export async function retryDeadLetter(read: DbHandle, source: DbHandle, defs: ConsumerDefinition[], id: number) {
  return read.db.transaction(async (tx) => {
    const [letter] = await tx.execute<{ projection: string; position: string; resolved_at: Date | null }>(sql`
      SELECT projection, position, resolved_at FROM dead_letters WHERE id = ${id} FOR UPDATE`);
    if (!letter) throw notFound(`Dead letter ${id} does not exist`);
    if (letter.resolved_at) throw conflict(`Dead letter ${id} was already retried successfully`);
    const def = defs.find((d) => d.name === letter.projection);
    if (!def) throw notFound(`Projection ${letter.projection} no longer exists`);
    await tx.execute(sql`SELECT 1 FROM projection_checkpoints WHERE name = ${def.name} FOR UPDATE`);
    const rows = await (source === read ? tx : source.db).execute(sql`
      SELECT position, tx_id::text, event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at
      FROM events WHERE position = ${letter.position}`);
    if (!rows[0]) throw notFound(`Event ${letter.position} is not in the log`);
    try {
      await tx.transaction((sp) => def.applyBatch(sp, [toStoredEvent(rows[0] as never)]));
    } catch (err) {
      await tx.execute(sql`UPDATE dead_letters SET attempts = attempts + 1, error = ${String(err instanceof Error ? err.message : err)} WHERE id = ${id}`);
      return { ok: false as const, error: err instanceof Error ? err.message : String(err) };
    }
    await tx.execute(sql`UPDATE dead_letters SET resolved_at = now() WHERE id = ${id}`);
    await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${def.name})`);
    return { ok: true as const };
  });
}
