import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER } from '@/lib/server/path-header';
import { API_CSP, baseSecurityHeaders, pageCsp, requestIsHttps } from '@/server/http/security-headers';

/**
 * Runs before every page and route (finding 4): pages get a CSP whose script nonce is new on each
 * request (Next reads it from the request's CSP header and puts it on its own scripts); routes get
 * the no-content API policy; everything gets the base security headers. The queue board sets its
 * own policy. Also passes the requested path to server components, so the portal layout can send
 * a signed-out visitor to /sign-in?next=<this page>.
 */
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname;
  const https = requestIsHttps(request.headers, request.url);
  const headers = new Headers(request.headers);
  let csp: string | null = null;
  if (path.startsWith('/api/')) csp = API_CSP;
  else if (!path.startsWith('/admin/queues')) {
    const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
    csp = pageCsp(nonce);
    headers.set('x-nonce', nonce);
    headers.set('Content-Security-Policy', csp);
    headers.set(PATH_HEADER, path + request.nextUrl.search);
  }
  const res = NextResponse.next({ request: { headers } });
  for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) res.headers.set(k, v);
  if (csp) res.headers.set('Content-Security-Policy', csp);
  return res;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|icon.svg).*)' }],
};
