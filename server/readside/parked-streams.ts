import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import type { StoredEvent } from '@/server/domain/events';
import { after, type LogPoint } from './log';

/**
 * The `park-stream` dead-letter policy: once an event of a stream is parked, every later event of
 * that stream is parked behind it, in log order, while other streams go on. Retrying replays the
 * stream's parked events in order (dead-letters.ts); the stream flows again when none is open.
 */

/** Streams with an open parked event in this projection, each with its first parked position. */
export async function blockedStreams(tx: Tx, projection: string): Promise<Map<string, number>> {
  const rows = await tx.execute<{ stream_id: string; head: string }>(sql`
    SELECT stream_id, min(position) AS head FROM dead_letters
    WHERE projection = ${projection} AND resolved_at IS NULL AND stream_id IS NOT NULL GROUP BY stream_id`);
  return new Map(rows.map((r) => [r.stream_id, Number(r.head)]));
}

const pointOf = (e: StoredEvent): LogPoint => ({ txId: BigInt(e.txId), position: e.position });

/**
 * Parks the events of blocked streams up to `upTo` (inclusive: the checkpoint this step saves), so
 * that none is skipped; the ones after it are read again by the next step.
 */
export async function holdBlocked(tx: Tx, projection: string, events: StoredEvent[], blocked: Map<string, number>, upTo: LogPoint) {
  for (const e of events) {
    const head = blocked.get(e.streamId);
    if (head === undefined || after(pointOf(e), upTo)) continue;
    await tx.execute(sql`INSERT INTO dead_letters (projection, position, event_type, error, attempts, stream_id, held)
      VALUES (${projection}, ${e.position}, ${e.type}, ${`waiting behind event ${head} of its stream`}, 0, ${e.streamId}, true)`);
  }
}

/** Parks the poison event itself (its stream recorded for every policy; `park-stream` blocks it). */
export async function parkPoison(tx: Tx, projection: string, poison: StoredEvent, message: string, attempts: number) {
  await tx.execute(sql`INSERT INTO dead_letters (projection, position, event_type, error, attempts, stream_id)
    VALUES (${projection}, ${poison.position}, ${poison.type}, ${message}, ${attempts}, ${poison.streamId})`);
}
