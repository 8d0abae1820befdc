import type { Services } from '@/server/services';
import { deleteExpiredSessions, idleMsOf, signIn, SESSION_COOKIE_NAMES } from '@/server/auth/store';
import { signInLimiter } from '@/lib/server/rate-limit';
import { clientIp, seeOther, wantsJson } from '@/lib/server/request-info';
import { sessionCookie } from '@/lib/server/session-cookie';
import { safeNext } from '@/lib/server/safe-next';
import { BodyTooLargeError, declaredTooLarge, readLimited, SIGN_IN_BODY_LIMIT } from './body-limit';
import { checkCsrf, originMatches } from './origin';
import { requestIsHttps } from './security-headers';

type Failure = 'invalid' | 'rate_limited' | 'missing' | 'bad_email' | 'forbidden' | 'too_large';
const messages: Record<Failure, string> = {
  invalid: 'Email or password is not correct.',
  rate_limited: 'Too many sign-in attempts. Wait a few minutes and try again.',
  missing: 'Enter your email and password.',
  bad_email: 'The email contains a control character (such as NUL or a tab); type it again without one.',
  forbidden: 'This sign-in request came from another site.',
  too_large: `The sign-in request is larger than ${SIGN_IN_BODY_LIMIT} bytes.`,
};
const statuses: Record<Failure, number> = { invalid: 401, rate_limited: 429, missing: 400, bad_email: 400, forbidden: 403, too_large: 413 };

interface Form {
  email: string;
  password: string;
  next: string | null;
}

/** Reads at most SIGN_IN_BODY_LIMIT bytes: a larger body is refused before it is read in full. */
async function readForm(req: Request): Promise<Form> {
  const type = req.headers.get('content-type') ?? '';
  const bytes = await readLimited(req.body as AsyncIterable<Uint8Array> | null, SIGN_IN_BODY_LIMIT);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (type.includes('application/json')) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    } catch {
      /* treated as empty */
    }
    if (!body || typeof body !== 'object') body = {};
    return { email: str(body.email), password: str(body.password), next: str(body.next) || null };
  }
  const form = await new Response(bytes as BodyInit, { headers: { 'content-type': type } }).formData().catch(() => new FormData());
  return { email: str(form.get('email')), password: str(form.get('password')), next: str(form.get('next')) || null };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * POST /api/auth/sign-in: a form post (redirects) or JSON (answers JSON). Checks, in order: the
 * Origin, the body size, the input, the per-(email, client) limits, then the password.
 */
export async function handleSignIn(s: Services, req: Request): Promise<Response> {
  const json = wantsJson(req);
  let next = '/';
  const fail = (reason: Failure, retryAfter?: number) => {
    const headers = new Headers({ 'Cache-Control': 'no-store' });
    if (retryAfter) headers.set('Retry-After', String(retryAfter));
    if (reason === 'too_large') headers.set('Connection', 'close');
    if (json || reason === 'too_large')
      return Response.json({ ok: false, error: reason, message: messages[reason] }, { status: statuses[reason], headers });
    const query = new URLSearchParams({ error: reason });
    if (next !== '/') query.set('next', next);
    return seeOther(`/sign-in?${query}`, headers);
  };

  // A sign-in form on another site must not sign a browser in (login CSRF): Origin, when sent, must be ours.
  if (req.headers.get('origin') && !originMatches(req.headers)) return fail('forbidden');
  if (!checkCsrf(req.method, req.headers, SESSION_COOKIE_NAMES).ok) return fail('forbidden');
  if (declaredTooLarge(req.headers.get('content-length'), SIGN_IN_BODY_LIMIT)) {
    await req.body?.cancel().catch(() => undefined);
    return fail('too_large');
  }
  let input: Form;
  try {
    input = await readForm(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return fail('too_large');
    throw err;
  }
  next = safeNext(input.next);

  const email = input.email.trim();
  if (!email || !input.password || email.length > 320 || input.password.length > 1024) return fail('missing');
  if (CONTROL.test(email)) return fail('bad_email');

  const limiter = signInLimiter(s.redis, s.prefix, email, clientIp(req));
  if (await limiter.overLimit()) return fail('rate_limited', await limiter.retryAfterSeconds());

  const https = requestIsHttps(req.headers, req.url);
  const session = await signIn(s.write.db, s.env.SESSION_SECRET, email, input.password);
  if (!session) {
    await limiter.failed();
    return fail('invalid');
  }
  await limiter.succeeded();
  // Sessions past their maximum age or idle timeout are deleted here, on each sign-in (indexed, cheap).
  await deleteExpiredSessions(s.write.db, idleMsOf(s.env));

  const res = json ? Response.json({ ok: true, next }) : seeOther(next);
  res.headers.append('Set-Cookie', sessionCookie(session.secret, session.expiresAt, https));
  res.headers.set('Cache-Control', 'no-store');
  return res;
}
