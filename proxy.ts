import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER } from '@/lib/auth/path-header';

/**
 * Passes the requested path to server components, so the portal layout can send a signed-out
 * visitor to /sign-in?next=<this page>. The session itself is checked in the layout (Postgres).
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|_next/|admin/queues|favicon.ico|sign-in).*)'],
};
