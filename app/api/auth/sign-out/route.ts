import { services } from '@/server/services';
import { authenticate, idleMsOf, sessionSecretOf, signOut, signOutEverywhere, SESSION_COOKIE_NAMES } from '@/server/auth/store';
import { seeOther, wantsJson } from '@/lib/server/request-info';
import { sessionCookie } from '@/lib/server/session-cookie';
import { readLimited, SIGN_IN_BODY_LIMIT } from '@/server/http/body-limit';
import { checkCsrf } from '@/server/http/origin';
import { API_CSP, applySecurityHeaders, requestIsHttps } from '@/server/http/security-headers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** `everywhere=1` (form field, JSON field or query) ends every session of this member, not just this one. */
async function wantsEverywhere(req: Request): Promise<boolean> {
  if (new URL(req.url).searchParams.get('everywhere') === '1') return true;
  const bytes = await readLimited(req.body as AsyncIterable<Uint8Array> | null, SIGN_IN_BODY_LIMIT).catch(() => new Uint8Array(0));
  const text = new TextDecoder().decode(bytes);
  if ((req.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      return (JSON.parse(text) as { everywhere?: unknown })?.everywhere === true;
    } catch {
      return false;
    }
  }
  return new URLSearchParams(text).get('everywhere') === '1';
}

export async function POST(req: Request) {
  const https = requestIsHttps(req.headers, req.url);
  const csrf = checkCsrf(req.method, req.headers, SESSION_COOKIE_NAMES);
  if (!csrf.ok) {
    const res = Response.json({ ok: false, error: 'forbidden', message: csrf.message }, { status: 403 });
    applySecurityHeaders(res.headers, { https, csp: API_CSP });
    return res;
  }
  const secret = sessionSecretOf(req.headers.get('cookie'));
  let ended = 0;
  if (secret) {
    const s = services();
    if (await wantsEverywhere(req)) {
      const principal = await authenticate(s.write.db, s.env.SESSION_SECRET, req.headers, idleMsOf(s.env));
      if (principal?.kind === 'staff') ended = await signOutEverywhere(s.write.db, principal.id);
    }
    await signOut(s.write.db, s.env.SESSION_SECRET, secret);
  }
  const res = wantsJson(req)
    ? Response.json({ ok: true, sessionsEnded: Math.max(ended, secret ? 1 : 0) })
    : seeOther('/sign-in?signed_out=1');
  // Clear whichever cookie the browser holds.
  res.headers.append('Set-Cookie', sessionCookie('', new Date(0), false));
  if (https) res.headers.append('Set-Cookie', sessionCookie('', new Date(0), true));
  res.headers.set('Cache-Control', 'no-store');
  applySecurityHeaders(res.headers, { https, csp: API_CSP });
  return res;
}
