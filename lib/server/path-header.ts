/** The request header proxy.ts sets so server components know which page was asked for. */
export const PATH_HEADER = 'x-ledgerline-path';
