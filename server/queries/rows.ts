import { encodeCursor } from './read-model';

export function pageOf<T>(rows: T[], limit: number, key: (row: T) => (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

/** Timestamps as ISO-8601 UTC strings, whatever the driver returned. */
export function normalizeTimes<T extends Record<string, unknown>>(row: T, keys: (keyof T)[]): T {
  const out = { ...row };
  for (const k of keys) {
    const v = out[k];
    if (v instanceof Date) out[k] = v.toISOString() as T[keyof T];
    else if (typeof v === 'string') out[k] = new Date(v).toISOString() as T[keyof T];
  }
  return out;
}
