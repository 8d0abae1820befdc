export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The trivial Next route that bench/http.ts measures beside the API: what Next's request handling
 * costs by itself in this build. Anonymous and constant; it reads nothing and reveals nothing.
 */
export function GET() {
  return Response.json({ ok: true });
}
