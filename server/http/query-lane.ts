import type { IncomingMessage, ServerResponse } from 'node:http';
import superjson from 'superjson';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { SESSION_COOKIE_NAMES, type HeaderSource } from '@/server/auth/store';
import { serialisedOf } from '@/server/queries/answer';
import type { Services } from '@/server/services';
import { jsonDepth, MAX_INPUT_DEPTH } from './json-depth';
import { checkCsrf } from './origin';
import { API_CSP, baseSecurityHeaders, requestIsHttps } from './security-headers';

/** The one call a procedure is, as tRPC's own HTTP handler makes it (resolveResponse). */
type Procedure = ((opts: {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: 'query';
  signal: AbortSignal | undefined;
  batchIndex: number;
}) => Promise<unknown>) & { _def: { type: string } };

const procedures = appRouter._def.procedures as unknown as Record<string, Procedure | undefined>;
/** Around an answer's serialised text, the body tRPC sends: `{"result":{"data":…}}`. */
const BODY_START = Buffer.from('{"result":{"data":');
const BODY_END = Buffer.from('}}');

/** Node's request headers as the Headers-like source the context and the checks read. */
export const headerSourceOf = (req: IncomingMessage): HeaderSource => ({
  get(name: string) {
    const v = req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  },
});

/** What tRPC refuses to send in a plain JSON answer (a stream-like value): such answers are tRPC's to make. */
function streamLike(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const isAsync = (x: unknown) =>
    typeof x === 'object' && x !== null && (Symbol.asyncIterator in x || typeof (x as { then?: unknown }).then === 'function');
  return isAsync(v) || Object.values(v).some(isAsync);
}

/**
 * The GET query lane of `npm start`: a single (unbatched) tRPC query answered on node:http with the
 * very bytes and headers tRPC's fetch handler would send, minus its work: no WHATWG Request, no
 * second walk of the answer by superjson when the query cache already holds it serialised (the
 * text is written as it is). The call itself is tRPC's: the context (principal), every middleware
 * (role rules, input hygiene, waiter limits, metrics) and the input parser run as over tRPC, after
 * the same Origin check and nesting limit as its guard (server/http/trpc-guard.ts).
 *
 * Returns false, having written nothing, for whatever it does not answer exactly like tRPC: batches,
 * streaming accepts, encoded paths, unknown paths, non-queries, inputs it cannot read, and every
 * error (tRPC then runs the call itself and shapes the error: a query changes nothing, so running
 * it twice on that rare path costs time only).
 */
export function queryLane(s: () => Services, prefix = '/api/trpc/') {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = url.slice(prefix.length, q < 0 ? undefined : q);
    if (!path || /[,%]/.test(path)) return false;
    const proc = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    if (!proc || proc._def.type !== 'query') return false;
    const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (params.has('batch') || params.has('connectionParams')) return false;
    const headers = headerSourceOf(req);
    if (headers.get('trpc-accept') || /application\/jsonl/.test(headers.get('accept') ?? '')) return false;
    if (!checkCsrf('GET', headers, SESSION_COOKIE_NAMES).ok) return false;

    const inputText = params.get('input');
    let input: unknown;
    if (inputText) {
      if (jsonDepth(inputText) > MAX_INPUT_DEPTH) return false;
      try {
        const raw: unknown = JSON.parse(inputText);
        if (typeof raw !== 'object' || raw === null) return false;
        input = superjson.deserialize(raw as Parameters<typeof superjson.deserialize>[0]);
      } catch {
        return false;
      }
    }

    let out: unknown;
    try {
      const ctx = await createContext(s(), headers);
      out = await proc({ path, getRawInput: async () => input, ctx, type: 'query', signal: undefined, batchIndex: 0 });
    } catch {
      return false;
    }
    const text = serialisedOf(out) ?? (streamLike(out) ? undefined : JSON.stringify(superjson.serialize(out)));
    if (text === undefined) return false;
    // A cache hit's bytes go out as they are, never decoded into a string and encoded again.
    const body = typeof text === 'string' ? `{"result":{"data":${text}}}` : Buffer.concat([BODY_START, text, BODY_END]);
    res.writeHead(200, {
      ...answerHeaders(requestIsHttps(headers, url)),
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
    return true;
  };
}

/** The headers of a tRPC JSON answer (tRPC's own, then handleTrpc's security headers), lower-cased as a fetch Response gives them. */
function answerHeaders(https: boolean): Record<string, string> {
  const h: Record<string, string> = { vary: 'trpc-accept, accept', 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) h[k.toLowerCase()] = v;
  h['content-security-policy'] = API_CSP;
  return h;
}
