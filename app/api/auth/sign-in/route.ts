import { NextResponse } from 'next/server';
import { services } from '@/server/services';
import { signIn } from '@/server/auth/store';
import { signInLimiter } from '@/lib/auth/rate-limit';
import { clientIp, isHttps, isSameOrigin, seeOther, wantsJson } from '@/lib/auth/request-info';
import { sessionCookie } from '@/lib/auth/session-cookie';
import { safeNext } from '@/lib/auth/safe-next';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Failure = 'invalid' | 'rate_limited' | 'missing' | 'forbidden';
const messages: Record<Failure, string> = {
  invalid: 'Email or password is not correct.',
  rate_limited: 'Too many sign-in attempts. Wait a few minutes and try again.',
  missing: 'Enter your email and password.',
  forbidden: 'This sign-in request came from another site.',
};
const statuses: Record<Failure, number> = { invalid: 401, rate_limited: 429, missing: 400, forbidden: 403 };

async function readForm(req: Request): Promise<{ email: string; password: string; next: string | null }> {
  if ((req.headers.get('content-type') ?? '').includes('application/json')) {
    const body = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return { email: str(body.email), password: str(body.password), next: str(body.next) || null };
  }
  const form = await req.formData().catch(() => new FormData());
  const str = (k: string) => { const v = form.get(k); return typeof v === 'string' ? v : ''; };
  return { email: str('email'), password: str('password'), next: str('next') || null };
}

export async function POST(req: Request) {
  const json = wantsJson(req);
  const input = await readForm(req);
  const next = safeNext(input.next);

  const fail = (reason: Failure, retryAfter?: number) => {
    const extra = retryAfter ? { 'Retry-After': String(retryAfter) } : undefined;
    if (json) return NextResponse.json({ ok: false, error: reason, message: messages[reason] }, { status: statuses[reason], headers: extra });
    const query = new URLSearchParams({ error: reason });
    if (next !== '/') query.set('next', next);
    return seeOther(`/sign-in?${query}`, extra);
  };

  if (!isSameOrigin(req)) return fail('forbidden');
  const email = input.email.trim();
  if (!email || !input.password || email.length > 320 || input.password.length > 1024) return fail('missing');

  const s = services();
  const limiter = signInLimiter(s.redis, s.prefix, email, clientIp(req));
  if (await limiter.overLimit()) return fail('rate_limited', await limiter.retryAfterSeconds());

  const session = await signIn(s.write.db, s.env.SESSION_SECRET, email, input.password);
  if (!session) return fail('invalid');
  await limiter.succeeded();

  const res = json ? NextResponse.json({ ok: true, next }) : seeOther(next);
  res.headers.append('Set-Cookie', sessionCookie(session.secret, session.expiresAt, isHttps(req)));
  res.headers.set('Cache-Control', 'no-store');
  return res;
}
