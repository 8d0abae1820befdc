import type { ReadDeps } from '@/server/deps';
import type { Freshness } from '@/server/readside/wait';

export interface ReadOptions { minPosition?: number; waitMs?: number }
export interface Answer<T> { data: T; freshness: Freshness }

/**
 * The one path every read-model query takes: wait for `minPosition` on the projections it reads,
 * then answer from the cache keyed by their checkpoints, or load and cache.
 */
export async function readModel<T>(
  s: Pick<ReadDeps, 'waiter' | 'cache'>,
  query: string,
  projections: readonly string[],
  input: unknown,
  opts: ReadOptions,
  load: () => Promise<T>,
): Promise<Answer<T>> {
  const { checkpoints, freshness } = await s.waiter.waitFor(projections, opts.minPosition, opts.waitMs);
  const data = await s.cache.getOrLoad(query, checkpoints, input, load);
  return { data, freshness };
}

/** Opaque cursors for keyset pagination. */
export const encodeCursor = (parts: (string | number)[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
export function decodeCursor(cursor: string | undefined): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(v)) return v as (string | number)[];
  } catch { /* fall through to the error below */ }
  throw new CursorError();
}
export class CursorError extends Error { constructor() { super('The cursor is not valid; start from the first page'); } }
