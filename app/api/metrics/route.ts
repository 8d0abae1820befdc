import { services } from '@/server/services';
import { authenticate, idleMsOf } from '@/server/auth/store';
import { renderMetrics } from '@/server/queries/metrics';
import { metrics } from '@/server/metrics';
import { isUnavailable } from '@/server/api/unavailable';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Prometheus text for a staff session or an API token (any role). */
export async function GET(req: Request) {
  try {
    return await serve(req);
  } catch (err) {
    // Postgres or Redis down or restarting: a retryable 503 for the scraper, not a 500.
    if (isUnavailable(err)) return new Response('A backing service is unavailable; retry shortly\n', { status: 503, headers: { 'retry-after': '1' } });
    throw err;
  }
}

async function serve(req: Request) {
  const s = services();
  const principal = await authenticate(s.write.db, s.env.SESSION_SECRET, req.headers, idleMsOf(s.env));
  if (!principal) return new Response('Sign in or send a valid API token\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  const { contentType, body } = await renderMetrics(s, metrics());
  return new Response(body, { headers: { 'content-type': contentType } });
}
