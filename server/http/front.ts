import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProxyTrust } from './forwarded';
import { normaliseForwardedHeaders } from './forwarded';
import { accessLogger, type AccessLog } from './access-log';

export type Handle = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface FrontOptions {
  trust: ProxyTrust;
  /** What answers the request after the front's own work (Next's request handler in production). */
  handle: Handle;
  log?: AccessLog;
}

/**
 * The node:http server in front of the web tier. Before any handler runs it makes the forwarded
 * headers facts rather than claims (finding 2): X-Forwarded-For becomes the one client address
 * it believes; X-Forwarded-Proto/Host survive only from a trusted proxy. Next fills the
 * forwarded headers only when they are absent (`??=` in its base server), so without this a
 * client-sent X-Forwarded-For reached every route handler unchanged. It also writes the access log.
 */
export function createFrontServer(opts: FrontOptions): Server {
  const server = createServer((req, res) => {
    normaliseForwardedHeaders(req.headers, req.socket.remoteAddress, opts.trust);
    const handle = () => opts.handle(req, res);
    Promise.resolve(opts.log ? opts.log.run(req, res, handle) : handle()).catch((err: unknown) => {
      opts.log?.error(err);
      if (!res.headersSent) { res.statusCode = 500; res.end('Internal server error'); } else res.destroy();
    });
  });
  // A slow client may not hold a connection open forever (slowloris).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return server;
}

export { accessLogger };
