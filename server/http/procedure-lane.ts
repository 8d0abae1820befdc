import type { IncomingMessage, ServerResponse } from 'node:http';
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError, transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import { appRouter } from '@/server/api/root';
import { createContext, type Context } from '@/server/api/trpc';
import { RETRY_AFTER_SECONDS } from '@/server/api/unavailable';
import { SESSION_COOKIE_NAMES, type HeaderSource } from '@/server/auth/store';
import type { Services } from '@/server/services';
import { jsonDepth, MAX_INPUT_DEPTH } from './json-depth';
import { checkCsrf } from './origin';
import { API_CSP, baseSecurityHeaders } from './security-headers';

/**
 * What the lanes of `npm start` share (the GET query lane, server/http/query-lane.ts, and the POST
 * mutation lane, server/http/mutation-lane.ts): finding the procedure, calling it as tRPC's HTTP
 * handler does (resolveResponse in @trpc/server), and shaping its answer, success or error, into
 * the very status, headers and bytes that handler and handleTrpc (server/http/trpc-handler.ts) send.
 * A lane declines (writes nothing) only before it has called anything; once the procedure ran, its
 * outcome is answered here, so no call is ever made twice.
 */

type ProcedureType = 'query' | 'mutation';

/** The one call a procedure is, as tRPC's own HTTP handler makes it (resolveResponse). */
type Procedure = ((opts: {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: ProcedureType;
  signal: AbortSignal | undefined;
  batchIndex: number;
}) => Promise<unknown>) & { _def: { type: string } };

const procedures = appRouter._def.procedures as unknown as Record<string, Procedure | undefined>;
const config = appRouter._def._config;

/**
 * The procedure of `type` at a lane's URL (`prefix` + path, then an optional query string), or
 * undefined for what tRPC must judge itself: an empty, encoded (`%`) or batched (`,`) path, an
 * unknown path, or a procedure of another type (tRPC refuses it with METHOD_NOT_SUPPORTED).
 */
export function laneProcedure(url: string, prefix: string, type: ProcedureType) {
  const q = url.indexOf('?');
  const path = url.slice(prefix.length, q < 0 ? undefined : q);
  if (!path || /[,%]/.test(path)) return undefined;
  const proc = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
  if (!proc || proc._def.type !== type) return undefined;
  return { path, proc, search: q < 0 ? undefined : url.slice(q + 1) };
}

/** Node's request headers as the Headers-like source the context and the checks read. */
export const headerSourceOf = (req: IncomingMessage): HeaderSource => ({
  get(name: string) {
    const v = req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  },
});

/**
 * The request's headers, or undefined when tRPC's guard or handler is to answer it: a request its
 * CSRF Origin check refuses (server/http/origin.ts: a cookie-authenticated mutation from another
 * site), or a streaming accept (httpBatchStreamLink; tRPC refuses it for a single call).
 */
export function laneHeaders(req: IncomingMessage): HeaderSource | undefined {
  const headers = headerSourceOf(req);
  if (headers.get('trpc-accept') || /application\/jsonl/.test(headers.get('accept') ?? '')) return undefined;
  if (!checkCsrf(req.method ?? 'GET', headers, SESSION_COOKIE_NAMES).ok) return undefined;
  return headers;
}

/** Marks an input a lane leaves to tRPC (tRPC's guard or input reader refuses it, or reads it otherwise). */
export const UNREAD = Symbol('unread input');

/**
 * A call's input from its JSON text, as tRPC's JSON reader makes it (the transformer's deserialise
 * of the parsed text), or UNREAD for text nested past the guard's limit, text that is not JSON, or
 * JSON that is not an object (tRPC answers those itself: 400 from the guard or its reader).
 */
export function readInput(text: string): unknown {
  if (jsonDepth(text) > MAX_INPUT_DEPTH) return UNREAD;
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) return UNREAD;
    return config.transformer.input.deserialize(raw);
  } catch {
    return UNREAD;
  }
}

/** What a call came to: its data, or the error tRPC would shape, with what the shape is made from. */
export type Outcome = { ok: true; data: unknown; ctx: Context } | { ok: false; error: TRPCError; ctx: Context | undefined; input: unknown };

/**
 * The call, as resolveResponse makes it: the context first (its failure is the call's error, with
 * no context), then the procedure with every middleware and the input parser. `input` is the
 * deserialised input (read by the lane before the call); the error shape sees it only once the
 * procedure has asked for it, as tRPC's lazy input reader gives it. No abort signal is passed: no
 * procedure reads one, and the call is not abandoned when the client goes.
 */
export async function callProcedure(s: Services, headers: HeaderSource, path: string, proc: Procedure, input: unknown): Promise<Outcome> {
  let ctx: Context | undefined;
  let read = false;
  try {
    ctx = await createContext(s, headers);
    const data = await proc({
      path,
      getRawInput: () => {
        read = true;
        return Promise.resolve(input);
      },
      ctx,
      type: proc._def.type as ProcedureType,
      signal: undefined,
      batchIndex: 0,
    });
    return { ok: true, data, ctx };
  } catch (cause) {
    return { ok: false, error: getTRPCErrorFromUnknown(cause), ctx, input: read ? input : undefined };
  }
}

export interface Answer {
  status: number;
  body: string;
}

/** tRPC's error answer: the router's error formatter, the transformer, and the status the shape names. */
function errorAnswer(
  error: TRPCError,
  o: { type: ProcedureType | 'unknown'; path: string | undefined; input: unknown; ctx: Context | undefined },
): Answer {
  const json = { error: getErrorShape({ config, error, type: o.type, path: o.path, input: o.input, ctx: o.ctx }) };
  return { status: getHTTPStatusCode(json), body: JSON.stringify(transformTRPCResponse(config, json)) };
}

/**
 * tRPC's answer to one unbatched call: `{"result":{"data":…}}` with `text` (the serialised data,
 * when the lane holds it already) or the transformer's serialisation; a stream-like value is
 * refused with UNSUPPORTED_MEDIA_TYPE; an error is shaped with the call's path and input. When
 * making the answer itself fails, the failure is shaped as tRPC's outer catch does (no path).
 */
export function answerOf(outcome: Outcome, type: ProcedureType, path: string, text?: string): Answer {
  try {
    if (!outcome.ok) return errorAnswer(outcome.error, { type, path, input: outcome.input, ctx: outcome.ctx });
    if (text === undefined && isDataStream(outcome.data)) {
      throw new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
      });
    }
    return { status: 200, body: `{"result":{"data":${text ?? serialised(outcome.data)}}}` };
  } catch (cause) {
    return errorAnswer(getTRPCErrorFromUnknown(cause), { type, path: undefined, input: undefined, ctx: outcome.ctx });
  }
}

/**
 * The transformer's serialisation of `data` as JSON text. A plain object whose values are all
 * strings, booleans, null or finite numbers (not -0) is what superjson leaves as it is, with no
 * `meta`: `{"json":<the object>}`, made here without superjson's walk of it. Anything else (nested
 * values, dates, undefined, the names superjson refuses) is superjson's to serialise.
 */
export function serialised(data: unknown): string {
  return flatJson(data) ? `{"json":${JSON.stringify(data)}}` : JSON.stringify(config.transformer.output.serialize(data));
}

function flatJson(v: unknown): v is Record<string, string | number | boolean | null> {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const [k, x] of Object.entries(v)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return false;
    if (typeof x === 'number' ? !Number.isFinite(x) || Object.is(x, -0) : x !== null && typeof x !== 'string' && typeof x !== 'boolean')
      return false;
  }
  return true;
}

/** tRPC's test for a value it will not send in a plain JSON answer (isDataStream in resolveResponse). */
function isDataStream(v: unknown): boolean {
  const isObject = (x: unknown): x is Record<string, unknown> => !!x && !Array.isArray(x) && typeof x === 'object';
  if (!isObject(v)) return false;
  const isAsyncIterable = (x: unknown) => isObject(x) && Symbol.asyncIterator in x;
  const isPromise = (x: unknown) =>
    (isObject(x) || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function' &&
    typeof (x as { catch?: unknown }).catch === 'function';
  if (isAsyncIterable(v)) return true;
  const values = Object.values(v);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

/** The headers of a tRPC JSON answer (tRPC's own, then handleTrpc's security headers), lower-cased as a fetch Response gives them. */
function jsonHeaders(https: boolean): Readonly<Record<string, string>> {
  const h: Record<string, string> = { vary: 'trpc-accept, accept', 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) h[k.toLowerCase()] = v;
  h['content-security-policy'] = API_CSP;
  return Object.freeze(h);
}
const HEADERS = { http: jsonHeaders(false), https: jsonHeaders(true) };
export const answerHeaders = (https: boolean) => (https ? HEADERS.https : HEADERS.http);

/** Writes an answer as handleTrpc sends it; 503 and 429 carry Retry-After (tRPC sets none itself). */
export function writeAnswer(res: ServerResponse, https: boolean, a: Answer) {
  const retry = a.status === 503 || a.status === 429 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
  res.writeHead(a.status, { ...answerHeaders(https), ...retry, 'content-length': String(Buffer.byteLength(a.body)) });
  res.end(a.body);
}
