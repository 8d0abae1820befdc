import { sql } from 'drizzle-orm';
import type { ReadDeps } from '@/server/deps';
import { selectOf } from '@/db/columns';
import { orderSummaries } from '@/db/schema';
import { decodeCursor, readModel, type ReadOptions } from './read-model';
import { pageOf } from './rows';

const summary = selectOf(orderSummaries, [
  'orderId',
  'userId',
  'status',
  'sagaStep',
  'cancelReason',
  'totalCents',
  'currency',
  'lines',
  'placedAt',
  'paidAt',
  'completedAt',
  'cancelledAt',
  'refundedCents',
  'updatedAt',
]);

export type OrderSummary = typeof orderSummaries.$inferSelect & {
  /** The customer's name from the user profile read model (null until that projection has the user). */
  customerName: string | null;
};

/**
 * The projections an order's row is made from: `order_summary`, and `user_profile` for the
 * customer's name (orderSummaryColumns). Both are in the cache key and the wait, so an answer cached
 * while the profile lagged behind is not served once it has caught up.
 */
export const ORDER_ROW_PROJECTIONS = ['order_summary', 'user_profile'] as const;

export const orderSummaryColumns = sql`${summary.columns},
  (SELECT u.name FROM user_profiles u WHERE u.user_id = order_summaries.user_id) AS "customerName"`;

export const normalizeOrder = (o: OrderSummary): OrderSummary => summary.row(o);

export function getOrder(s: ReadDeps, input: { orderId: string } & ReadOptions) {
  return readModel(s, 'orders.get', ORDER_ROW_PROJECTIONS, input.orderId, input, async () => {
    const rows = await s.read.db.execute<OrderSummary>(
      sql`SELECT ${orderSummaryColumns} FROM order_summaries WHERE order_id = ${input.orderId}`,
    );
    return rows[0] ? normalizeOrder(rows[0]) : null;
  });
}

/**
 * The filters of orders.list and orders.count. `from`/`to` are days of `on` (default: when placed),
 * so a chart's day drills down to exactly the orders it counted.
 */
export interface OrderFilter {
  status?: string;
  from?: string;
  to?: string;
  on?: 'placed' | 'completed' | 'cancelled';
  productId?: string;
  cancelReason?: string;
  currency?: string;
}

function filterSql(f: OrderFilter) {
  const at = sql.raw(`${f.on ?? 'placed'}_at`);
  return sql`${f.status ? sql`status = ${f.status}` : sql`true`}
    AND ${f.from ? sql`${at} >= (${f.from}::date::timestamp AT TIME ZONE 'UTC')` : sql`true`}
    AND ${f.to ? sql`${at} < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'UTC')` : sql`true`}
    AND ${f.productId ? sql`lines @> ${JSON.stringify([{ productId: f.productId }])}::jsonb` : sql`true`}
    AND ${f.cancelReason ? sql`cancel_reason = ${f.cancelReason}` : sql`true`}
    AND ${f.currency ? sql`currency = ${f.currency}` : sql`true`}`;
}

export function listOrders(s: ReadDeps, input: OrderFilter & { limit: number; cursor?: string } & ReadOptions) {
  const { minPosition: _m, waitMs: _w, ...key } = input;
  return readModel(s, 'orders.list', ORDER_ROW_PROJECTIONS, key, input, async () => {
    const after = decodeCursor(input.cursor, ['timestamp', 'uuid']);
    const rows = await s.read.db.execute<OrderSummary>(sql`
      SELECT ${orderSummaryColumns} FROM order_summaries
      WHERE ${filterSql(input)}
        AND ${after ? sql`(placed_at, order_id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)` : sql`true`}
      ORDER BY placed_at DESC, order_id DESC LIMIT ${input.limit + 1}`);
    return pageOf(rows.map(normalizeOrder), input.limit, (o) => [o.placedAt, o.orderId]);
  });
}

/** How many orders match the filters: the drill-down's count, to set beside the chart's number. */
export function countOrders(s: ReadDeps, input: OrderFilter & ReadOptions) {
  const { minPosition: _m, waitMs: _w, ...key } = input;
  return readModel(s, 'orders.count', ['order_summary'], key, input, async () => {
    const [row] = await s.read.db.execute<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM order_summaries WHERE ${filterSql(input)}`,
    );
    return { count: row?.count ?? 0 };
  });
}
