import { sql } from 'drizzle-orm';
import type { DbHandle, Tx } from '@/db/client';
import { badRequest, notFound, conflict } from '@/server/domain/errors';
import { toStoredEvent } from './log';
import type { ConsumerDefinition } from './consumer';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';

type Letter = { id: number; projection: string; position: string; stream_id: string | null; resolved_at: Date | null };
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

/** The event at a log position, as the runner reads it. */
async function eventAt(tx: Tx, read: DbHandle, source: DbHandle, position: string | number) {
  const rows = await (source === read ? tx : source.db).execute(sql`
    SELECT position, tx_id::text, event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at
    FROM events WHERE position = ${position}`);
  if (!rows[0]) throw notFound(`Event ${position} is not in the log`);
  return toStoredEvent(rows[0] as never);
}

/**
 * Applies a parked event again (after the fix is deployed). Holds the projection's checkpoint lock
 * so it never runs beside a batch; marks the letter resolved in the same transaction. For a
 * `park-stream` projection it replays every open parked event of the letter's stream, in order,
 * and stops at the first that fails again (the ones before it stay applied).
 */
export async function retryDeadLetter(read: DbHandle, source: DbHandle, defs: ConsumerDefinition[], id: number) {
  return read.db.transaction(async (tx) => {
    const [letter] = await tx.execute<Letter>(sql`
      SELECT id, projection, position, stream_id, resolved_at FROM dead_letters WHERE id = ${id} FOR UPDATE`);
    if (!letter) throw notFound(`Dead letter ${id} does not exist`);
    if (letter.resolved_at) throw conflict(`Dead letter ${id} was already retried successfully`);
    const def = defs.find((d) => d.name === letter.projection);
    if (!def) throw notFound(`Projection ${letter.projection} no longer exists`);
    await tx.execute(sql`SELECT 1 FROM projection_checkpoints WHERE name = ${def.name} FOR UPDATE`);
    const letters =
      def.onError === 'park-stream' && letter.stream_id
        ? await tx.execute<Letter>(sql`
          SELECT id, projection, position, stream_id, resolved_at FROM dead_letters
          WHERE projection = ${def.name} AND stream_id = ${letter.stream_id} AND resolved_at IS NULL ORDER BY position FOR UPDATE`)
        : [letter];
    let applied = 0;
    for (const l of letters) {
      const event = await eventAt(tx, read, source, l.position);
      try {
        await tx.transaction((sp) => def.applyBatch(sp, [event]));
      } catch (err) {
        await tx.execute(sql`UPDATE dead_letters SET attempts = attempts + 1, error = ${messageOf(err)} WHERE id = ${l.id}`);
        if (applied) await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${def.name})`);
        return def.onError === 'park-stream'
          ? { ok: false as const, error: messageOf(err), applied }
          : { ok: false as const, error: messageOf(err) };
      }
      await tx.execute(sql`UPDATE dead_letters SET resolved_at = now() WHERE id = ${l.id}`);
      applied++;
    }
    await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${def.name})`);
    return def.onError === 'park-stream' ? { ok: true as const, applied } : { ok: true as const };
  });
}

/** What an operator types to discard a parked event: it is never applied, so this is spelled out. */
export const discardConfirmation = (position: number | string) => `discard ${position}`;

/**
 * Resolves a parked event without applying it. The operator must type `discard <position>`; a
 * `park-stream` stream flows again once none of its events is still parked.
 */
export async function discardDeadLetter(read: DbHandle, id: number, confirm: string) {
  return read.db.transaction(async (tx) => {
    const [letter] = await tx.execute<Letter>(sql`
      SELECT id, projection, position, stream_id, resolved_at FROM dead_letters WHERE id = ${id} FOR UPDATE`);
    if (!letter) throw notFound(`Dead letter ${id} does not exist`);
    if (letter.resolved_at) throw conflict(`Dead letter ${id} is already resolved`);
    if (confirm.trim() !== discardConfirmation(letter.position)) {
      throw badRequest(`To discard event ${letter.position} without applying it, type "${discardConfirmation(letter.position)}"`);
    }
    await tx.execute(sql`SELECT 1 FROM projection_checkpoints WHERE name = ${letter.projection} FOR UPDATE`);
    await tx.execute(sql`UPDATE dead_letters SET resolved_at = now(), discarded_at = now() WHERE id = ${id}`);
    await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${letter.projection})`);
    return { ok: true as const };
  });
}
