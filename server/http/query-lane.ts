import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialisedOf } from '@/server/queries/answer';
import type { Services } from '@/server/services';
import { answerHeaders, answerOf, callProcedure, laneHeaders, laneProcedure, readInput, UNREAD, writeAnswer } from './procedure-lane';
import { requestIsHttps } from './security-headers';
import { MAX_INPUT_DEPTH } from './json-depth';

/** Around an answer's serialised text, the body tRPC sends: `{"result":{"data":…}}`. */
const BODY_START = Buffer.from('{"result":{"data":');
const BODY_END = Buffer.from('}}');

/** How many query strings' inputs are kept read (a few hundred bytes each: the views' usual questions). */
const READ_INPUTS = 256;
/** Longer query strings are read every time: a memo of them would hold more than it saves. */
const MEMO_SEARCH_CHARS = 1024;
const reads = new Map<string, { input: unknown } | typeof UNREAD>();

/**
 * A query string's input as tRPC reads it (`input`, the transformer's deserialise of its JSON),
 * or UNREAD for what the lane leaves to tRPC: a batch, connection params, an input tRPC's guard or
 * reader judges itself. Many clients ask the same few questions (a dashboard's range, a view's
 * default): what a query string gave is kept, for the READ_INPUTS strings first seen most recently
 * (declined ones included; the first seen is dropped first), so a repeated question skips its
 * decoding, JSON parse and transformer (about 4 µs of a cached read). A kept input is frozen, since
 * every call of that string shares it, and kept only when it is plain JSON data (no dates, maps or
 * other objects superjson revives): nothing a procedure could change in place.
 */
export function inputOf(search: string): { input: unknown } | typeof UNREAD {
  const kept = reads.get(search);
  if (kept) return kept;
  const params = new URLSearchParams(search);
  let read: { input: unknown } | typeof UNREAD = UNREAD;
  if (!params.has('batch') && !params.has('connectionParams')) {
    const text = params.get('input');
    const input = text ? readInput(text) : undefined;
    if (input !== UNREAD) read = { input };
  }
  if (search.length <= MEMO_SEARCH_CHARS && (read === UNREAD || frozenData(read.input))) {
    if (reads.size >= READ_INPUTS) reads.delete(reads.keys().next().value!);
    reads.set(search, read === UNREAD ? read : Object.freeze(read));
  }
  return read;
}

/**
 * Whether `v` is plain JSON data (objects, arrays, primitives) in the shape of a tree, frozen through
 * and through if so; left untouched if not. An object met twice is not a tree (the API's transformer
 * gives none, server/api/transformer.ts): such an input is not kept, and the walk stops there.
 */
function frozenData(v: unknown): boolean {
  const containers = new Set<object>();
  const plain = (x: unknown, depth: number): boolean => {
    if (x === null || typeof x !== 'object') return typeof x !== 'function' && typeof x !== 'symbol';
    const proto: unknown = Object.getPrototypeOf(x);
    if (depth > MAX_INPUT_DEPTH || containers.has(x) || (!Array.isArray(x) && proto !== Object.prototype && proto !== null)) return false;
    containers.add(x);
    return Object.values(x).every((y) => plain(y, depth + 1));
  };
  if (!plain(v, 0)) return false;
  for (const c of containers) Object.freeze(c);
  return true;
}

/**
 * The GET query lane of `npm start`: a single (unbatched) tRPC query answered on node:http with the
 * very bytes and headers tRPC's fetch handler would send, minus its work: no WHATWG Request, no
 * second walk of the answer by superjson when the query cache already holds it serialised (the
 * text is written as it is). The call itself is tRPC's: the context (principal), every middleware
 * (role rules, input hygiene, waiter limits, metrics) and the input parser run as over tRPC, after
 * the same Origin check and nesting limit as its guard (server/http/trpc-guard.ts).
 * An error of the call is answered here, shaped as tRPC shapes it (server/http/procedure-lane.ts):
 * the query runs once, and is measured once.
 *
 * Returns false, having run and written nothing, for what it leaves to tRPC: batches, streaming
 * accepts, connection params, encoded or unknown paths, non-queries, and inputs it cannot read.
 */
export function queryLane(s: () => Services, prefix = '/api/trpc/') {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const call = laneProcedure(url, prefix, 'query');
    if (!call) return false;
    const read = inputOf(call.search ?? '');
    if (read === UNREAD) return false;
    const headers = laneHeaders(req);
    if (!headers) return false;
    const { input } = read;

    const outcome = await callProcedure(s(), headers, call.path, call.proc, input);
    const https = requestIsHttps(headers, url);
    const text = outcome.ok ? serialisedOf(outcome.data) : undefined;
    if (text === undefined) {
      writeAnswer(res, https, answerOf(outcome, 'query', call.path));
      return true;
    }
    // A cache hit's bytes go out as they are, never decoded into a string and encoded again.
    if (typeof text === 'string') {
      const body = `{"result":{"data":${text}}}`;
      res.writeHead(200, { ...answerHeaders(https), 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
      return true;
    }
    res.writeHead(200, { ...answerHeaders(https), 'content-length': String(BODY_START.length + text.length + BODY_END.length) });
    // Corked: the headers and the three parts leave in one write (end() uncorks).
    res.cork();
    res.write(BODY_START);
    res.write(text);
    res.end(BODY_END);
    return true;
  };
}
