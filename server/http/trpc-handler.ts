import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { Services } from '@/server/services';
import { RETRY_AFTER_SECONDS } from '@/server/api/unavailable';
import { guardTrpcRequest } from './trpc-guard';
import { TRPC_MAX_BATCH_SIZE } from './trpc-options';
import { API_CSP, applySecurityHeaders, requestIsHttps } from './security-headers';

/**
 * /api/trpc as a fetch handler, with every guard in front of the router: the CSRF Origin check,
 * the 1 MB body limit, the batch size cap, and the security headers on the answer. The Next route
 * calls it; so can any other server that carries /api/trpc.
 */
export async function handleTrpc(s: Services, incoming: Request, endpoint = '/api/trpc'): Promise<Response> {
  const guarded = await guardTrpcRequest(incoming);
  const res =
    guarded instanceof Response
      ? guarded
      : await fetchRequestHandler({
          endpoint,
          req: guarded,
          router: appRouter,
          maxBatchSize: TRPC_MAX_BATCH_SIZE,
          createContext: () => createContext(s, guarded.headers),
        });
  // 503 (a service down: SERVICE_UNAVAILABLE) and 429 (too many waiters) are worth retrying soon;
  // tRPC sets no Retry-After itself. A batch with mixed outcomes answers 207 and carries none.
  if (res.status === 503 || res.status === 429) res.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
  applySecurityHeaders(res.headers, { https: requestIsHttps(incoming.headers, incoming.url), csp: API_CSP });
  return res;
}
