import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs; bind `correlationId`, `commandId` and `eventId` with `.child()` where known. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
