/** Request body limits, enforced before the body is read in full (finding 5). */
export const SIGN_IN_BODY_LIMIT = 8 * 1024;
export const TRPC_BODY_LIMIT = 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes`);
  }
}

/** Refuses at once a declared Content-Length over the limit (nothing read). */
export function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  if (!contentLength) return false;
  const n = Number(contentLength);
  return !Number.isFinite(n) || n > limit;
}

/**
 * Reads a body stream up to `limit` bytes and stops reading (throws BodyTooLargeError) the moment
 * it goes over, so a chunked 10 MB body costs at most `limit` bytes of memory. Takes a web
 * ReadableStream (Request.body) or a node IncomingMessage: both are async iterables of bytes.
 */
export async function readLimited(body: AsyncIterable<Uint8Array> | null | undefined, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
