/**
 * Limits every path that serves tRPC applies (the Next route today; any node:http front server).
 * The web clients batch at most this many calls (`maxItems` on their httpBatchLink).
 */
export const TRPC_MAX_BATCH_SIZE = 50;
