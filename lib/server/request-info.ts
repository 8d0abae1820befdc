import 'server-only';

/** Facts about an incoming request that the auth route handlers need. */

export function isHttps(req: Request): boolean {
  const proto = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto) return proto === 'https';
  return new URL(req.url).protocol === 'https:';
}

/**
 * The client address, as the web tier's front server (server/http/front.ts) wrote it: it replaces
 * X-Forwarded-For with the one address it believes (the socket's peer, or what TRUSTED_PROXIES
 * allows), before Next or any handler sees the request.
 */
export function clientIp(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for');
  const last = forwarded
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return last ?? 'unknown';
}

/** Rejects cross-site form posts: a browser's Origin, when sent, must be this site. */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (!origin || origin === 'null') return origin === null;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? new URL(req.url).host;
  try {
    return new URL(origin).host === host.split(',')[0]?.trim();
  } catch {
    return false;
  }
}

/** Browsers posting the plain HTML form want a redirect; scripts want JSON. */
export function wantsJson(req: Request): boolean {
  const type = req.headers.get('content-type') ?? '';
  const accept = req.headers.get('accept') ?? '';
  return type.includes('application/json') || (accept.includes('application/json') && !accept.includes('text/html'));
}

/** A 303 to a path on this site; relative, so it is right behind any proxy or host name. */
export function seeOther(path: string, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set('Location', path);
  h.set('Cache-Control', 'no-store');
  return new Response(null, { status: 303, headers: h });
}
