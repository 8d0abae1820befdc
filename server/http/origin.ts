/**
 * CSRF defence beyond SameSite=Lax (finding 7): a state-changing request that a browser
 * authenticates with the session cookie must carry an Origin of this very site. Bearer-token
 * calls are not sent by browsers on their own, so they are not affected.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The content types a cross-site page may POST without a CORS preflight. */
const SIMPLE_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

export interface OriginVerdict {
  ok: boolean;
  message?: string;
}

const OK: OriginVerdict = { ok: true };

/** The host (and port) this request was addressed to, from Host (or the trusted X-Forwarded-Host). */
export function requestHost(headers: Pick<Headers, 'get'>): string | null {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  return host?.split(',')[0]?.trim().toLowerCase() || null;
}

/** Whether the Origin header names this host. A missing or `null` Origin is not same-origin. */
export function originMatches(headers: Pick<Headers, 'get'>): boolean {
  const origin = headers.get('origin');
  const host = requestHost(headers);
  if (!origin || origin === 'null' || !host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host;
  } catch {
    return false;
  }
}

export function hasSessionCookie(headers: Pick<Headers, 'get'>, cookieNames: readonly string[]): boolean {
  const cookie = headers.get('cookie');
  if (!cookie) return false;
  return cookie.split(/;\s*/).some((c) => cookieNames.some((n) => c.startsWith(`${n}=`)));
}

/**
 * The check itself. A request with an Authorization header is judged by it alone (the cookie is
 * then ignored by `authenticate`), so it passes; a non-safe request with the session cookie must
 * have a same-origin Origin (`Sec-Fetch-Site: same-origin` is accepted from browsers that omit it).
 */
export function checkCsrf(method: string, headers: Pick<Headers, 'get'>, cookieNames: readonly string[]): OriginVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return OK;
  if (headers.get('authorization')) return OK;
  if (!hasSessionCookie(headers, cookieNames)) return OK;
  if (originMatches(headers)) return OK;
  if (!headers.get('origin') && headers.get('sec-fetch-site') === 'same-origin') return OK;
  return { ok: false, message: 'This request came from another site (its Origin is not this site), so it was refused' };
}

/**
 * For the queue board's API: on top of the Origin check, a body must be JSON. A cross-site form
 * or a `text/plain` fetch needs no preflight; refusing those types closes that door too.
 */
export function checkBoardWrite(method: string, headers: Headers, cookieNames: readonly string[]): OriginVerdict {
  const verdict = checkCsrf(method, headers, cookieNames);
  if (!verdict.ok || SAFE_METHODS.has(method.toUpperCase())) return verdict;
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (SIMPLE_TYPES.includes(type)) return { ok: false, message: `The queue board accepts JSON bodies only, not ${type}` };
  return OK;
}
