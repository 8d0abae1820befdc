/**
 * Errors that mean a backing service (Postgres, Redis) is down or restarting, not that the request
 * was wrong or the code broken: they answer 503 SERVICE_UNAVAILABLE, which a client may retry (a
 * command with the same `commandId`, so that it takes effect once). Anything else stays a 500.
 */
export const UNAVAILABLE_MESSAGE = 'A backing service is unavailable; retry shortly (a command with the same commandId)';

/** The `Retry-After` of every 503 the web tier gives for a service down or restarting. */
export const RETRY_AFTER_SECONDS = 1;

/** postgres.js's own connection errors and the socket errors it passes on. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server going away or not taking connections yet. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The error (this one, or one it wraps, as Drizzle and tRPC do) that says a service is unavailable, or null. */
export function unavailableCause(err: unknown): { code?: unknown; message?: unknown } | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const found = e as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown };
    const { code, name, message, errors } = found;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return found;
    // ioredis: a command given up after its retries, or sent on a connection that closed.
    if (name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.') return found;
    if (Array.isArray(errors) && errors.length > 0 && errors.every(isUnavailable)) return found; // AggregateError of connect attempts
  }
  return null;
}

export const isUnavailable = (err: unknown): boolean => unavailableCause(err) !== null;

/** What to log of it: its code and message only (never an outer error's query text or parameters). */
export function unavailableText(err: unknown): string {
  const e = unavailableCause(err) ?? {};
  return `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message.slice(0, 200) : ''}`;
}
