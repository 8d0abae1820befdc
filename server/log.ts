import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Errors as logged: never a failed query's parameters (Drizzle puts them in `params` and in the
 * message after "params:"; postgres.js in `parameters`; the server's `detail` quotes the row's
 * values, e.g. "Key (email)=(…) already exists"). Personal data stays out of the logs.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; cause?: unknown; severity?: unknown; constraint_name?: unknown; table_name?: unknown };
  const out: Record<string, unknown> = {
    type: e.name,
    message: e.message.replace(/\nparams:[\s\S]*$/, '\nparams: [redacted]'),
    stack: e.stack?.replace(/\nparams:[^\n]*/, '\nparams: [redacted]'),
  };
  for (const k of ['code', 'severity', 'constraint_name', 'table_name'] as const) if (e[k] !== undefined) out[k] = e[k];
  if (e.cause !== undefined && e.cause !== err) out.cause = safeError(e.cause);
  return out;
}

/** Keys whose values are personal data or secrets, wherever they appear in a log object. */
export const REDACT_PATHS = [
  'email',
  '*.email',
  '*.name',
  'password',
  '*.password',
  'token',
  '*.token',
  'paymentToken',
  '*.paymentToken',
  'q',
  '*.q',
  'input',
  '*.input',
  'params',
  '*.params',
  'parameters',
  '*.parameters',
  'headers.cookie',
  '*.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
];

/** Structured logs; bind `correlationId`, `commandId` and `eventId` with `.child()` where known. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    serializers: { err: safeError, error: safeError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
