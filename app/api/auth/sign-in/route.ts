import { services } from '@/server/services';
import { handleSignIn } from '@/server/http/sign-in';
import { API_CSP, applySecurityHeaders, requestIsHttps } from '@/server/http/security-headers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  const res = await handleSignIn(services(), req);
  applySecurityHeaders(res.headers, { https: requestIsHttps(req.headers, req.url), csp: API_CSP });
  return res;
}
