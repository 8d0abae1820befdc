import { NextResponse } from 'next/server';
import { services } from '@/server/services';
import { signOut, SESSION_COOKIE } from '@/server/auth/store';
import { isHttps, isSameOrigin, seeOther, wantsJson } from '@/lib/auth/request-info';
import { sessionCookie } from '@/lib/auth/session-cookie';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function sessionSecret(req: Request): string | undefined {
  const cookie = req.headers.get('cookie');
  const raw = cookie?.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  return raw ? decodeURIComponent(raw) : undefined;
}

export async function POST(req: Request) {
  if (!isSameOrigin(req)) return NextResponse.json({ ok: false, error: 'forbidden' }, { status: 403 });
  const secret = sessionSecret(req);
  if (secret) {
    const s = services();
    await signOut(s.write.db, s.env.SESSION_SECRET, secret);
  }
  const res = wantsJson(req) ? NextResponse.json({ ok: true }) : seeOther('/sign-in?signed_out=1');
  res.headers.append('Set-Cookie', sessionCookie('', new Date(0), isHttps(req)));
  res.headers.set('Cache-Control', 'no-store');
  return res;
}
