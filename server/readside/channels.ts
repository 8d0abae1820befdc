import type { Checkpoint } from './checkpoints';

/**
 * The Postgres NOTIFY channels that wake the read side. A command's transaction notifies
 * EVENTS_CHANNEL (the relay listens); a consumer that commits a batch, a rebuild swap or a retried
 * dead letter notifies PROJECTIONS_CHANNEL (position waiters, the checkpoints held in memory and
 * the saga sweeper listen).
 */
export const EVENTS_CHANNEL = 'ledgerline_events';
export const PROJECTIONS_CHANNEL = 'ledgerline_projections';

/**
 * The payload of a checkpoint move on PROJECTIONS_CHANNEL, as SQL over a projection_checkpoints
 * row (`alias` qualifies its columns): `name@version:tx_id:position`, the row as committed, so a
 * listener knows where the consumer stands without reading the table. Other notices (a rebuild
 * swap, a retried dead letter) carry the name alone.
 */
export const checkpointNotice = (alias: string) =>
  `${alias}.name || '@' || ${alias}.version || ':' || ${alias}.tx_id || ':' || ${alias}.position`;

/** A PROJECTIONS_CHANNEL payload: the consumer's name, and its checkpoint when the notice carries one. */
export function readNotice(payload: string): { name: string; checkpoint: Checkpoint | null } {
  const at = payload.lastIndexOf('@');
  if (at < 0) return { name: payload, checkpoint: null };
  const name = payload.slice(0, at);
  const [version, txId, position] = payload.slice(at + 1).split(':');
  if (!/^\d+$/.test(version ?? '') || !/^\d+$/.test(txId ?? '') || !/^\d+$/.test(position ?? ''))
    return { name: payload, checkpoint: null };
  return { name, checkpoint: { name, version: Number(version), txId: BigInt(txId!), position: Number(position) } };
}
