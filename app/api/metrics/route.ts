import { services } from '@/server/services';
import { authenticate, idleMsOf } from '@/server/auth/store';
import { renderMetrics } from '@/server/queries/metrics';
import { metrics } from '@/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Prometheus text for a staff session or an API token (any role). */
export async function GET(req: Request) {
  const s = services();
  const principal = await authenticate(s.write.db, s.env.SESSION_SECRET, req.headers, idleMsOf(s.env));
  if (!principal) return new Response('Sign in or send a valid API token\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  const { contentType, body } = await renderMetrics(s, metrics());
  return new Response(body, { headers: { 'content-type': contentType } });
}
