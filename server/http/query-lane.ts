import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialisedOf } from '@/server/queries/answer';
import type { Services } from '@/server/services';
import { answerHeaders, answerOf, callProcedure, laneHeaders, laneProcedure, readInput, UNREAD, writeAnswer } from './procedure-lane';
import { requestIsHttps } from './security-headers';

/** Around an answer's serialised text, the body tRPC sends: `{"result":{"data":…}}`. */
const BODY_START = Buffer.from('{"result":{"data":');
const BODY_END = Buffer.from('}}');

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
    const params = new URLSearchParams(call.search ?? '');
    if (params.has('batch') || params.has('connectionParams')) return false;
    const headers = laneHeaders(req);
    if (!headers) return false;

    const inputText = params.get('input');
    const input = inputText ? readInput(inputText) : undefined;
    if (input === UNREAD) return false;

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
