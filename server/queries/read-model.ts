import type { ReadDeps } from '@/server/deps';
import { badCharacter } from '@/server/domain/input-hygiene';
import { DomainError } from '@/server/domain/errors';
import { answerOf, serialiseAnswer, type Answer } from './answer';

export type { Answer };
export interface ReadOptions {
  minPosition?: number;
  waitMs?: number;
}

/**
 * The one path every read-model query takes: wait for `minPosition` on the projections it reads,
 * then answer from the cache keyed by their checkpoints, or load and cache. The cache holds the
 * serialised answer as it stands at those checkpoints ({ data, freshness: not stale }); a hit is
 * handed on as that text's bytes, parsed only if someone looks inside.
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
  let loaded: { value: T } | undefined;
  const { text } = await s.cache.textOrLoad(query, checkpoints, input, async () => {
    loaded = { value: await load() };
    return serialiseAnswer({ data: loaded.value, freshness: { position: freshness.position, stale: false } });
  });
  return answerOf(text, freshness, loaded);
}

/** Opaque cursors for keyset pagination. */
export const encodeCursor = (parts: (string | number)[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** What each part of a cursor must be; a cursor is checked before any of it reaches SQL. */
export type CursorPart = 'number' | 'uuid' | 'timestamp' | 'string';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function partOk(kind: CursorPart, v: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'timestamp':
      return typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v));
    case 'string':
      return typeof v === 'string' && v.length <= 200 && badCharacter(v) === null;
  }
}

/**
 * Decodes a cursor this API gave out, checking its shape: bad base64, bad JSON, the wrong number
 * of parts or a part of the wrong kind are a CursorError (400 BAD_REQUEST), never a failed query.
 */
export function decodeCursor(cursor: string | undefined, shape: readonly CursorPart[]): (string | number)[] | null {
  if (!cursor) return null;
  let v: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorError();
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw new CursorError();
  }
  if (!Array.isArray(v) || v.length !== shape.length || !shape.every((kind, i) => partOk(kind, v[i]))) throw new CursorError();
  return v as (string | number)[];
}

export class CursorError extends DomainError {
  constructor() {
    super('BAD_REQUEST', 'The cursor is not valid (it must be a nextCursor this API returned); start from the first page without one');
  }
}
