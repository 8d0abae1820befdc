import { SESSION_COOKIE_NAMES } from '@/server/auth/store';
import { BodyTooLargeError, declaredTooLarge, readLimited, TRPC_BODY_LIMIT } from './body-limit';
import { jsonDepth, MAX_INPUT_DEPTH, TOO_DEEP_MESSAGE } from './json-depth';
import { checkCsrf } from './origin';

const refuse = (status: number, code: string, message: string, extra?: HeadersInit) =>
  Response.json({ error: { message, code } }, { status, headers: extra });

/** 413 for a tRPC body over the limit; the connection is closed, so the rest of the body is never read. */
export const payloadTooLarge = () =>
  refuse(413, 'PAYLOAD_TOO_LARGE', `The request body is over the limit of ${TRPC_BODY_LIMIT} bytes`, { connection: 'close' });

/**
 * What every tRPC request passes before the router sees it: the CSRF Origin check for
 * cookie-authenticated mutations (finding 7); the 1 MB body limit, refused early with 413
 * (finding 5); and a nesting limit, so that no parser recurses into a `[[[[…` bomb (finding 10).
 * Returns the request to hand on (its body now read and bounded), or the refusal.
 */
export async function guardTrpcRequest(req: Request): Promise<Request | Response> {
  const csrf = checkCsrf(req.method, req.headers, SESSION_COOKIE_NAMES);
  if (!csrf.ok) {
    await req.body?.cancel().catch(() => undefined);
    return refuse(403, 'FORBIDDEN', csrf.message!);
  }
  const queryInput = new URL(req.url).searchParams.get('input');
  if (queryInput && jsonDepth(queryInput) > MAX_INPUT_DEPTH) return refuse(400, 'BAD_REQUEST', TOO_DEEP_MESSAGE);
  if (req.method === 'GET' || req.method === 'HEAD') return req;

  if (declaredTooLarge(req.headers.get('content-length'), TRPC_BODY_LIMIT)) {
    await req.body?.cancel().catch(() => undefined);
    return payloadTooLarge();
  }
  let bytes: Uint8Array;
  try {
    bytes = await readLimited(req.body as AsyncIterable<Uint8Array> | null, TRPC_BODY_LIMIT);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    await req.body?.cancel().catch(() => undefined);
    return payloadTooLarge();
  }
  if (jsonDepth(new TextDecoder().decode(bytes)) > MAX_INPUT_DEPTH) return refuse(400, 'BAD_REQUEST', TOO_DEEP_MESSAGE);
  return new Request(req.url, { method: req.method, headers: req.headers, body: bytes as BodyInit, signal: req.signal });
}
