import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyTrust } from './forwarded';
import { normaliseForwardedHeaders } from './forwarded';
import { accessLogger, type AccessLog } from './access-log';
import { API_CSP, baseSecurityHeaders } from './security-headers';

export type Handle = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface FrontOptions {
  trust: ProxyTrust;
  /** What answers the request after the front's own work (Next's request handler in production). */
  handle: Handle;
  log?: AccessLog;
}

/** Over https when the socket is TLS, or when a trusted proxy said so (untrusted X-Forwarded-Proto is gone by now). */
const isHttps = (req: IncomingMessage) =>
  'encrypted' in req.socket ||
  String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase() === 'https';

/**
 * The node:http server in front of the web tier. Before any handler runs it makes the forwarded
 * headers facts rather than claims (finding 2): X-Forwarded-For becomes the one client address
 * it believes; X-Forwarded-Proto/Host survive only from a trusted proxy. Next fills the
 * forwarded headers only when they are absent (`??=` in its base server), so without this a
 * client-sent X-Forwarded-For reached every route handler unchanged. It also writes the access log,
 * and puts the base security headers on every answer (finding 4), whoever writes it: the API,
 * Next, or the front itself when a handler failed or the request could not be parsed.
 */
export function createFrontServer(opts: FrontOptions): Server {
  // The base headers of each scheme, made once rather than per request.
  const base = { http: Object.entries(baseSecurityHeaders({ https: false })), https: Object.entries(baseSecurityHeaders({ https: true })) };
  const server = createServer((req, res) => {
    normaliseForwardedHeaders(req.headers, req.socket.remoteAddress, opts.trust);
    // Set before any handler: a handler's writeHead merges with these and may override a value.
    for (const [k, v] of isHttps(req) ? base.https : base.http) res.setHeader(k, v);
    const handle = () => opts.handle(req, res);
    Promise.resolve(opts.log ? opts.log.run(req, res, handle) : handle()).catch((err: unknown) => {
      opts.log?.error(err);
      if (!res.headersSent)
        res
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': API_CSP })
          .end('Internal server error\n');
      else res.destroy();
    });
  });
  // A request Node cannot parse (headers too large, malformed) never reaches the handler: answer
  // it here, as Node would, but with the same headers as every other answer.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, reason] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const headers = {
      ...baseSecurityHeaders({ https: 'encrypted' in socket }),
      'Content-Security-Policy': API_CSP,
      Connection: 'close',
      'Content-Length': '0',
    };
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );
  });
  // A slow client may not hold a connection open forever (slowloris).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return server;
}

export { accessLogger };
