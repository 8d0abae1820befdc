import 'server-only';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '@/server/auth/store';

/**
 * The Set-Cookie value of the staff session: script-proof, same-site. Over https it is the
 * `__Host-` cookie (Secure, Path=/, no Domain), which no subdomain or plain-http page can set
 * or overwrite.
 */
export function sessionCookie(secret: string, expires: Date, secure: boolean): string {
  const parts = [
    `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${encodeURIComponent(secret)}`,
    'Path=/',
    `Expires=${expires.toUTCString()}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (expires.getTime() <= Date.now()) parts.push('Max-Age=0');
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
