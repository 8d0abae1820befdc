/** Helpers of the command and API tests (on top of harness.ts): row counts of the write side. */
import type { Services } from '@/server/services';

/** Every table a command may write, and the event log. */
export const WRITE_TABLES = [
  'users',
  'products',
  'orders',
  'order_lines',
  'order_sagas',
  'gateway_charges',
  'command_results',
  'events',
] as const;
export type RowCounts = Record<(typeof WRITE_TABLES)[number], number>;

export async function rowCounts(services: Services): Promise<RowCounts> {
  const query = WRITE_TABLES.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL ');
  const rows = await services.write.sql.unsafe<{ t: keyof RowCounts; n: number }[]>(query);
  return Object.fromEntries(rows.map((r) => [r.t, r.n])) as RowCounts;
}

/** Events of one stream in version order. */
export async function streamEvents(services: Services, stream: string) {
  return services.write.sql<
    { position: string; stream_version: number; type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[]
  >`
    SELECT position::text, stream_version, type, data, metadata FROM events WHERE stream_id = ${stream} ORDER BY stream_version`;
}

/** The tRPC error code of a rejected call (TRPCError.code), or 'OK' when it did not throw. */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    return (err as { code?: string }).code ?? `not a TRPCError: ${String(err)}`;
  }
}

/** An error and its causes (TRPCError → DrizzleQueryError → PostgresError), outermost first. */
export function causes(err: unknown): { message?: string; code?: string }[] {
  const chain: { message?: string; code?: string }[] = [];
  for (let e = err; e && typeof e === 'object' && chain.length < 6; e = (e as { cause?: unknown }).cause)
    chain.push(e as { message?: string; code?: string });
  return chain;
}
