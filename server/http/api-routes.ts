import type { IncomingMessage, ServerResponse } from 'node:http';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import type { Services } from '@/server/services';
import { healthResponse, metricsResponse } from './endpoints';
import { handleTrpc } from './trpc-handler';
import { BodyTooLargeError, declaredTooLarge, readLimited, TRPC_BODY_LIMIT } from './body-limit';
import { payloadTooLarge } from './trpc-guard';
import { API_CSP, applySecurityHeaders } from './security-headers';
import { queryLane } from './query-lane';
import { mutationLane } from './mutation-lane';
import type { Handle } from './front';

const TRPC = '/api/trpc';

/**
 * The API of `npm start`, answered on node:http without Next's request adaptation: `/api/trpc`
 * (the same guarded handler as the Next route: CSRF Origin check, 1 MB body limit, batch cap,
 * nesting limit, security headers), `/api/health` and `/api/metrics` (the same code as their Next
 * routes). Every other path goes to `next` (Next's request handler). A single GET query goes first
 * to the query lane (server/http/query-lane.ts), which writes a cached answer's text as it is; a
 * single POST mutation, its body read here, to the mutation lane (server/http/mutation-lane.ts).
 * Each answers exactly as tRPC would, errors included, or declines before running anything.
 * Nothing here compresses (measured in bench/http.ts, see docs/benchmarks.md); a proxy in front may.
 */
export function apiRoutes(s: () => Services, next?: Handle): Handle {
  const lane = queryLane(s, `${TRPC}/`);
  const mutate = mutationLane(s, `${TRPC}/`);
  return async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith(`${TRPC}/`)) {
      // A single GET query is answered by the lane when it can answer it exactly as tRPC would.
      if (req.method === 'GET' && (await lane(req, res))) return;
      const body = await readTrpcBody(req);
      if (body instanceof BodyTooLargeError) return send(res, withApiHeaders(req, payloadTooLarge()));
      if (body !== undefined && (await mutate(req, res, body))) return;
      return send(res, await handleTrpc(s(), toRequest(Object.assign(req, { body }), res), TRPC));
    }
    if (path === '/api/health' || path === '/api/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-security-policy': API_CSP }).end();
        return;
      }
      const r = toRequest(req, res);
      return send(res, path === '/api/health' ? await healthResponse(s(), r) : await metricsResponse(s(), r), req.method === 'HEAD');
    }
    if (next) return next(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': API_CSP }).end('Not found\n');
  };
}

/**
 * A tRPC body, read here rather than by tRPC's node adapter: over its `maxBodySize` that adapter
 * destroys the socket (no 413 ever reaches the client) or errors the stream mid-read (a 500). A
 * declared Content-Length over the limit is refused before a byte is read; a chunked body stops
 * being read the moment it passes the limit. The guard in handleTrpc checks the same limits again.
 */
async function readTrpcBody(req: IncomingMessage): Promise<string | undefined | BodyTooLargeError> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (declaredTooLarge(req.headers['content-length'], TRPC_BODY_LIMIT)) return new BodyTooLargeError(TRPC_BODY_LIMIT);
  try {
    // JSON is UTF-8 text, and the router decodes it as such: nothing is lost by decoding it here.
    return new TextDecoder().decode(await readLimited(req, TRPC_BODY_LIMIT));
  } catch (err) {
    if (err instanceof BodyTooLargeError) return err;
    throw err;
  }
}

const withApiHeaders = (req: IncomingMessage, r: Response) => {
  applySecurityHeaders(r.headers, { https: req.headers['x-forwarded-proto'] === 'https', csp: API_CSP });
  return r;
};

/**
 * tRPC's own node → fetch Request (aborted when the client goes away). A `body` already read
 * (a string, as a body-parsing middleware leaves it) is used as is; /api/health and
 * /api/metrics are GET or HEAD and carry none.
 */
const toRequest = (req: IncomingMessage, res: ServerResponse) => incomingMessageToRequest(req, res, { maxBodySize: TRPC_BODY_LIMIT });

async function send(res: ServerResponse, r: Response, headOnly = false) {
  const body = headOnly ? null : Buffer.from(await r.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  r.headers.forEach((v, k) => {
    if (k !== 'set-cookie') headers[k] = v;
  });
  const cookies = r.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  if (body) headers['content-length'] = String(body.byteLength);
  res.writeHead(r.status, headers);
  res.end(body ?? undefined);
}
