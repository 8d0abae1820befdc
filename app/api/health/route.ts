import { services } from '@/server/services';
import { cachedHealthReport, publicHealth } from '@/server/queries/health';
import { authenticate, idleMsOf } from '@/server/auth/store';
import { API_CSP, applySecurityHeaders, requestIsHttps } from '@/server/http/security-headers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Anonymous callers learn only whether it is up (finding 10); staff and tokens get the reasons. */
export async function GET(req: Request) {
  const s = services();
  const report = await cachedHealthReport(s);
  const staff = req.headers.has('authorization') || req.headers.has('cookie')
    ? await authenticate(s.write.db, s.env.SESSION_SECRET, req.headers, idleMsOf(s.env)).catch(() => null)
    : null;
  const res = Response.json(staff ? report : publicHealth(report), { status: report.db && report.redis ? 200 : 503 });
  res.headers.set('Cache-Control', 'no-store');
  applySecurityHeaders(res.headers, { https: requestIsHttps(req.headers, req.url), csp: API_CSP });
  return res;
}
