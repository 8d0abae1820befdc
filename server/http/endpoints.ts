import type { Services } from '@/server/services';
import { cachedHealthReport, publicHealth } from '@/server/queries/health';
import { renderMetrics } from '@/server/queries/metrics';
import { metrics } from '@/server/metrics';
import { isUnavailable, RETRY_AFTER_SECONDS, unavailableText } from '@/server/api/unavailable';
import { createLogger } from '@/server/log';
import { API_CSP, applySecurityHeaders, requestIsHttps } from './security-headers';

/**
 * /api/health and /api/metrics as fetch handlers: the Next routes (`npm run dev`) and the node:http
 * API routes of `npm start` (server/http/api-routes.ts) serve the very same code.
 */

/** Anonymous callers learn only whether it is up (finding 10); staff and tokens get the reasons. */
export async function healthResponse(s: Services, req: Request): Promise<Response> {
  const report = await cachedHealthReport(s);
  const staff =
    req.headers.has('authorization') || req.headers.has('cookie') ? await s.principals.authenticate(req.headers).catch(() => null) : null;
  const res = Response.json(staff ? report : publicHealth(report), { status: report.db && report.redis ? 200 : 503 });
  res.headers.set('Cache-Control', 'no-store');
  if (res.status === 503) res.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
  applySecurityHeaders(res.headers, { https: requestIsHttps(req.headers, req.url), csp: API_CSP });
  return res;
}

/** Prometheus text for a staff session or an API token (any role). */
let endpointLog: ReturnType<typeof createLogger> | undefined;
const log = () => (endpointLog ??= createLogger('ledgerline-api'));

export async function metricsResponse(s: Services, req: Request): Promise<Response> {
  let res: Response;
  try {
    res = await metrics200(s, req);
  } catch (err) {
    // Postgres down or restarting: a retryable 503 for the scraper, not a 500.
    if (!isUnavailable(err)) throw err;
    // Which service and error (code and message only): an operator's first question about a 503.
    log().warn({ err: { message: unavailableText(err) }, path: '/api/metrics' }, 'service unavailable');
    res = new Response('A backing service is unavailable; retry shortly\n', {
      status: 503,
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }
  applySecurityHeaders(res.headers, { https: requestIsHttps(req.headers, req.url), csp: API_CSP });
  return res;
}

async function metrics200(s: Services, req: Request): Promise<Response> {
  const principal = await s.principals.authenticate(req.headers);
  if (!principal) return new Response('Sign in or send a valid API token\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  const { contentType, body } = await renderMetrics(s, metrics());
  return new Response(body, { headers: { 'content-type': contentType } });
}
