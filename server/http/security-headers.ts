/**
 * Security headers (finding 4), in one place for every path that answers: Next's proxy.ts, the
 * route handlers, the queue board and any node:http server in front of them.
 */
export interface HeaderOptions {
  https: boolean;
}

/** The page policy: scripts only from this site or carrying this response's nonce. */
export function pageCsp(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic' lets Next's nonce-carrying bootstrap load its chunks; dev needs eval for HMR.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style *attributes* (charts, Radix positioning) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? ' ws:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** JSON and text answers render nothing: no source at all, and never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The queue board (bull-board) is a prebuilt single-page app from its own static folder; its
 * index page has an inline bootstrap script that cannot carry our nonce, hence 'unsafe-inline'
 * for scripts there only (admin-only page, same origin, no user content rendered as HTML).
 */
export const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every answer carries. HSTS only over https, where a browser will honour it. */
export function baseSecurityHeaders(opts: HeaderOptions): Record<string, string> {
  const h: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  if (opts.https) h['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return h;
}

/** Sets the base headers and a CSP on a Headers object, keeping a CSP already set by the handler. */
export function applySecurityHeaders(headers: Headers, opts: HeaderOptions & { csp?: string }) {
  for (const [k, v] of Object.entries(baseSecurityHeaders(opts))) headers.set(k, v);
  if (opts.csp && !headers.has('content-security-policy')) headers.set('Content-Security-Policy', opts.csp);
}

/** Whether the request arrived over https (X-Forwarded-Proto is set by Next or a trusted front). */
export function requestIsHttps(headers: Pick<Headers, 'get'>, url?: string): boolean {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto) return proto === 'https';
  return !!url && url.startsWith('https:');
}
