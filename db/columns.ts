import { getTableColumns, sql, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * Column lists derived from a read model's Drizzle table, so that the table is the one description
 * of its rows: the projection writes through `recordset` and the query reads through `selectOf`.
 * Names are unqualified on purpose: a rebuild applies projections to shadow tables through the
 * search_path.
 */

/** What `recordset` declares besides the table's columns, or instead of all of them. */
export interface RecordsetOptions<K extends string> {
  /** Only these of the table's columns (by key), in this order; all of them when left out. */
  columns?: readonly K[];
  /** Computed columns by name and SQL type, such as deltas (`{ on_hand_delta: 'int' }`). */
  extra?: Record<string, string>;
}

/**
 * `jsonb_to_recordset(rows) AS v(...)` typed by the table's own columns (the rows' keys are column
 * names), or by the subset `columns`, plus `extra` computed columns.
 */
export function recordset<T extends PgTable, K extends keyof InferSelectModel<T> & string>(
  table: T,
  rows: readonly object[],
  { columns: keys, extra = {} }: RecordsetOptions<K> = {},
): SQL {
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  const column = (k: string) => {
    if (!(k in columns)) throw new Error(`recordset: the table has no column keyed ${k}`);
    return columns[k]!;
  };
  const defs = [
    ...(keys ? keys.map(column) : Object.values(columns)).map((c) => `${c.name} ${c.getSQLType()}`),
    ...Object.entries(extra).map(([name, type]) => `${name} ${type}`),
  ];
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(${sql.raw(defs.join(', '))})`;
}

/** A table's columns by key: `column AS "key"`, bigints as numbers, with a parser that gives timestamps as ISO-8601 UTC. */
export function selectOf<T extends PgTable, K extends keyof InferSelectModel<T> & string>(table: T, keys: readonly K[]) {
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  const list = keys.map((k) => {
    const c = columns[k]!;
    // postgres.js returns int8 as a string; the API answers numbers (amounts stay far below 2^53).
    return `${c.name}${c.getSQLType() === 'bigint' ? '::float8' : ''} AS "${k}"`;
  });
  const times = keys.filter((k) => columns[k]!.getSQLType().startsWith('timestamp'));
  type Row = Pick<InferSelectModel<T>, K>;
  return {
    columns: sql.raw(list.join(', ')),
    row: <R extends Row>(r: R): R => normalizeTimes(r, times as (keyof R)[]),
  };
}

/** Timestamps as ISO-8601 UTC strings, whatever the driver returned. */
export function normalizeTimes<T extends object>(row: T, keys: (keyof T)[]): T {
  const out = { ...row } as Record<keyof T, unknown>;
  for (const k of keys) {
    const v = out[k];
    if (v instanceof Date) out[k] = v.toISOString();
    else if (typeof v === 'string') out[k] = new Date(v).toISOString();
  }
  return out as T;
}
