import type { IncomingMessage, ServerResponse } from 'node:http';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import type { Services } from '@/server/services';
import { healthResponse, metricsResponse } from './endpoints';
import { handleTrpc } from './trpc-handler';
import { TRPC_BODY_LIMIT } from './body-limit';
import { queryLane } from './query-lane';
import type { Handle } from './front';

const TRPC = '/api/trpc';

/**
 * The API of `npm start`, answered on node:http without Next's request adaptation: `/api/trpc`
 * (the same guarded handler as the Next route: CSRF Origin check, 1 MB body limit, batch cap,
 * nesting limit, security headers), `/api/health` and `/api/metrics` (the same code as their Next
 * routes). Every other path goes to `next` (Next's request handler). A single GET query goes first
 * to the query lane (server/http/query-lane.ts), which writes a cached answer's text as it is.
 * Nothing here compresses (measured in bench/http.ts, see docs/benchmarks.md); a proxy in front may.
 */
export function apiRoutes(s: () => Services, next?: Handle): Handle {
  const lane = queryLane(s, `${TRPC}/`);
  return async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith(`${TRPC}/`)) {
      // A single GET query is answered by the lane when it can answer it exactly as tRPC would.
      if (req.method === 'GET' && await lane(req, res)) return;
      return send(res, await handleTrpc(s(), toRequest(req, res), TRPC));
    }
    if (path === '/api/health' || path === '/api/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const r = toRequest(req, res);
      return send(res, path === '/api/health' ? await healthResponse(s(), r) : await metricsResponse(s(), r), req.method === 'HEAD');
    }
    if (next) return next(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  };
}

/** tRPC's own node → fetch Request (aborted when the client goes away); the body is read lazily, and bounded by the guard. */
const toRequest = (req: IncomingMessage, res: ServerResponse) => incomingMessageToRequest(req, res, { maxBodySize: TRPC_BODY_LIMIT + 1 });

async function send(res: ServerResponse, r: Response, headOnly = false) {
  const body = headOnly ? null : Buffer.from(await r.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  r.headers.forEach((v, k) => { if (k !== 'set-cookie') headers[k] = v; });
  const cookies = r.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  if (body) headers['content-length'] = String(body.byteLength);
  res.writeHead(r.status, headers);
  res.end(body ?? undefined);
}
