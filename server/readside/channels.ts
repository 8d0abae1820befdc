/**
 * The Postgres NOTIFY channels that wake the read side. A command's transaction notifies
 * EVENTS_CHANNEL (the relay listens); a consumer that commits a batch, a rebuild swap or a retried
 * dead letter notifies PROJECTIONS_CHANNEL with its name (position waiters and the saga sweeper listen).
 */
export const EVENTS_CHANNEL = 'ledgerline_events';
export const PROJECTIONS_CHANNEL = 'ledgerline_projections';
