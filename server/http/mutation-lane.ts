import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '@/server/services';
import { answerOf, callProcedure, laneHeaders, laneProcedure, readInput, UNREAD, writeAnswer } from './procedure-lane';
import { requestIsHttps } from './security-headers';

/** tRPC reads a body as JSON when its media type is application/json (case-insensitive, parameters ignored). */
const isJson = (type: string | null) => type?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';

/**
 * The POST mutation lane of `npm start`: a single (unbatched) tRPC mutation answered on node:http
 * without building a WHATWG Request for tRPC's fetch handler, with the very status, headers and
 * bytes that handler (behind handleTrpc's guard) sends. `body` is the request body, already read
 * under the 1 MB limit by the API routes (server/http/api-routes.ts), which answered 413 over it.
 * Before calling, the lane applies the rest of the guard (server/http/trpc-guard.ts): the CSRF
 * Origin check and the nesting limit. The call is tRPC's (context, middleware, input parser), and
 * whatever it comes to, error included, is answered here: a mutation is never run twice.
 *
 * Returns false, having run and written nothing, for what it leaves to tRPC's guarded handler: a
 * request the guard refuses (another site's Origin, nesting too deep), batches and any query
 * string, streaming accepts, encoded or unknown paths, non-mutations, a body that is not
 * `application/json` (tRPC's form-data and octet-stream readers, or its 415), and a body that is
 * not a JSON object superjson can read (tRPC's BAD_REQUEST).
 */
export function mutationLane(s: () => Services, prefix = '/api/trpc/') {
  return async (req: IncomingMessage, res: ServerResponse, body: string): Promise<boolean> => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const call = laneProcedure(url, prefix, 'mutation');
    if (!call || call.search !== undefined) return false;
    const headers = laneHeaders(req);
    if (!headers || !isJson(headers.get('content-type'))) return false;
    const input = readInput(body);
    if (input === UNREAD) return false;

    const outcome = await callProcedure(s(), headers, call.path, call.proc, input);
    writeAnswer(res, requestIsHttps(headers, url), answerOf(outcome, 'mutation', call.path));
    return true;
  };
}
