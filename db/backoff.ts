/**
 * The longest postgres.js waits before reconnecting after a failed attempt. Its default backoff
 * grows with every failed attempt of the pool, (0.5–1) × min(3^n / 100, 20) s, reset only by a
 * success: while Postgres restarted, each query waited longer before failing, and once it was back
 * the first queries waited 10–20 s before even connecting (a read-side transaction waiting on them
 * sat idle in a transaction as long; a LISTEN came back as late). A failed attempt is cheap (the
 * query fails at once on a refused connection), so a short cap costs little.
 */
export const RECONNECT_BACKOFF_MAX_S = 1;

/** postgres.js's `backoff` option: seconds to wait before reconnect attempt `retries`. */
export const reconnectBackoff = (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, RECONNECT_BACKOFF_MAX_S);
