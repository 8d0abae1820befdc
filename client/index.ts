/**
 * The typed Ledgerline client for other TypeScript apps:
 *
 *   const ll = createLedgerlineClient({ url: 'http://localhost:3000', token: process.env.LEDGERLINE_TOKEN! });
 *   const { orderId, position } = await ll.orders.place.mutate({ userId, items, payment: { token: 'tok_ok' } });
 *   const order = await ll.orders.get.query({ orderId, minPosition: position });
 *
 * Only the router's *type* is imported: nothing of the server is bundled into the caller.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../server/api/root';

export type { AppRouter };
/** Inputs and outputs of every procedure, e.g. `RouterOutputs['orders']['get']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type LedgerlineClient = TRPCClient<AppRouter>;

export interface LedgerlineClientOptions {
  /** Where the portal runs, e.g. `http://localhost:3000` (the API is at `/api/trpc`). */
  url: string;
  /** An API token (`npm run cli -- token create --role operator --name my-app`). */
  token: string;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers for every request, e.g. `x-correlation-id`. */
  headers?: Record<string, string>;
}

export function createLedgerlineClient(opts: LedgerlineClientOptions): LedgerlineClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${opts.url.replace(/\/+$/, '')}/api/trpc`,
        transformer: superjson,
        maxItems: 50, // the server refuses batches of more than 50 calls
        headers: () => ({ ...opts.headers, authorization: `Bearer ${opts.token}` }),
        fetch: opts.fetch,
      }),
    ],
  });
}
