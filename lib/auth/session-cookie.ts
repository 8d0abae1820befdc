import { SESSION_COOKIE } from '@/server/auth/store';

/** The Set-Cookie value of the staff session: script-proof, same-site, HTTPS-only when served so. */
export function sessionCookie(secret: string, expires: Date, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(secret)}`,
    'Path=/',
    `Expires=${expires.toUTCString()}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (expires.getTime() <= Date.now()) parts.push('Max-Age=0');
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
