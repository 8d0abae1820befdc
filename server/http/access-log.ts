import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type Logger } from '@/server/log';

/** What a handler learns about a request that the access log line should carry. */
interface RequestFacts {
  principalId?: string;
  correlationId: string;
}

const facts = new AsyncLocalStorage<RequestFacts>();

/** Called where the principal is resolved (tRPC context, route handlers), to name it in the access log. */
export function notePrincipal(id: string | undefined) {
  const f = facts.getStore();
  if (f && id) f.principalId = id;
}

/** A caller's correlation id if it is a plain token, else a new one: a header is never logged raw. */
export function correlationIdOf(value: string | string[] | undefined | null): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v && /^[A-Za-z0-9._:-]{1,100}$/.test(v) ? v : randomUUID();
}

/** The path without its query (query strings can hold search terms, emails, tokens). */
export function pathOnly(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!.split('#')[0]!;
  return path.length > 300 ? `${path.slice(0, 300)}…` : path;
}

export interface AccessLog {
  /** Runs `handle` with this request's facts in scope and logs its line when the response closes. */
  run<T>(req: IncomingMessage, res: ServerResponse, handle: () => T): T;
  error(err: unknown): void;
}

/**
 * One line per request: method, path (never the query), status, duration, principal id and
 * correlation id. No emails, names, cookies or bodies. The correlation id is also put on the
 * request (so handlers and events carry it) and echoed in the response.
 */
export function accessLogger(log: Logger = createLogger('ledgerline-access')): AccessLog {
  return {
    run(req, res, handle) {
      const started = process.hrtime.bigint();
      const f: RequestFacts = { correlationId: correlationIdOf(req.headers['x-correlation-id']) };
      req.headers['x-correlation-id'] = f.correlationId;
      res.setHeader('x-correlation-id', f.correlationId);
      res.once('close', () => {
        log.info(
          {
            method: req.method,
            path: pathOnly(req.url),
            status: res.statusCode,
            ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
            principalId: f.principalId,
            correlationId: f.correlationId,
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'request',
        );
      });
      return facts.run(f, handle);
    },
    error(err) {
      log.error({ err }, 'request handler failed');
    },
  };
}
