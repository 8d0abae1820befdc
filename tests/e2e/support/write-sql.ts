/**
 * The numbers the analytics pages must show, computed straight from the WRITE tables (users,
 * orders, order_lines, products) of the e2e database: an independent path to the same answer.
 * Days are UTC; an order completed or was cancelled at its updated_at (its last change).
 */
import { connect } from '@/db/client';
import { e2e } from './env';

export async function withSql<T>(fn: (sql: ReturnType<typeof connect>['sql']) => Promise<T>): Promise<T> {
  const handle = connect(e2e.databaseUrl, { max: 1, appName: 'll-e2e-check' });
  try {
    return await fn(handle.sql);
  } finally {
    await handle.close();
  }
}

const start = (day: string) => `${day}T00:00:00Z`;
const end = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

export const writeSide = {
  /** Orders placed in [from, to], and how many of them completed. */
  async placed(from: string, to: string) {
    const [r] = await withSql(
      (sql) => sql<{ placed: number; completed: number }[]>`
      SELECT count(*)::int AS placed, count(*) FILTER (WHERE status = 'completed')::int AS completed
      FROM orders WHERE placed_at >= ${start(from)} AND placed_at < ${end(to)}`,
    );
    return r!;
  },
  /** Revenue (cents) of orders in `currency` that completed in [from, to]. */
  async revenue(from: string, to: string, currency = 'USD') {
    const [r] = await withSql(
      (sql) => sql<{ cents: number }[]>`
      SELECT COALESCE(sum(total_cents), 0)::int AS cents FROM orders
      WHERE status = 'completed' AND currency = ${currency} AND updated_at >= ${start(from)} AND updated_at < ${end(to)}`,
    );
    return r!.cents;
  },
  /** Per product: units, revenue and completed orders of orders that completed in [from, to]; stock on hand now. Ties in
   *  units go by name, as the products table sorts them. */
  async products(from: string, to: string) {
    return withSql(
      (sql) => sql<{ productId: string; sku: string; name: string; units: number; revenue: number; orders: number; onHand: number }[]>`
      SELECT p.id AS "productId", p.sku, p.name, COALESCE(sum(l.quantity), 0)::int AS units, COALESCE(sum(l.quantity * l.unit_price_cents), 0)::int AS revenue,
        count(DISTINCT o.id)::int AS orders, p.on_hand AS "onHand"
      FROM products p
      LEFT JOIN order_lines l ON l.product_id = p.id
      LEFT JOIN orders o ON o.id = l.order_id AND o.status = 'completed' AND o.updated_at >= ${start(from)} AND o.updated_at < ${end(to)}
      WHERE o.id IS NOT NULL OR l.order_id IS NULL
      GROUP BY p.id ORDER BY units DESC, p.name, p.sku`,
    );
  },
  /** Of the customers who registered in the week starting `week`, how many completed an order `weeksSince` weeks later. */
  async cohortCell(week: string, weeksSince: number) {
    const [r] = await withSql(
      (sql) => sql<{ customers: number; active: number }[]>`
      WITH c AS (SELECT id FROM users WHERE created_at >= ${start(week)} AND created_at < ${start(week)}::timestamptz + interval '7 days')
      SELECT count(*)::int AS customers, count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM orders o WHERE o.user_id = c.id AND o.status = 'completed'
          AND o.updated_at >= ${start(week)}::timestamptz + ${weeksSince * 7} * interval '1 day'
          AND o.updated_at < ${start(week)}::timestamptz + ${(weeksSince + 1) * 7} * interval '1 day'))::int AS active
      FROM c`,
    );
    return r!;
  },
  /** Orders placed in [from, to] by their status now. */
  async byStatus(from: string, to: string) {
    return withSql(
      (sql) => sql<{ status: string; count: number }[]>`
      SELECT status, count(*)::int AS count FROM orders WHERE placed_at >= ${start(from)} AND placed_at < ${end(to)} GROUP BY status ORDER BY status`,
    );
  },
  /** Per product and currency: revenue (cents) and units of the orders in that currency that completed in [from, to]. */
  async productRevenue(from: string, to: string) {
    return withSql(
      (sql) => sql<{ productId: string; name: string; currency: string; units: number; cents: number }[]>`
      SELECT l.product_id AS "productId", p.name, o.currency, sum(l.quantity)::int AS units, sum(l.quantity * l.unit_price_cents)::int AS cents
      FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
      WHERE o.status = 'completed' AND o.updated_at >= ${start(from)} AND o.updated_at < ${end(to)}
      GROUP BY l.product_id, p.name, o.currency ORDER BY o.currency, cents DESC, l.product_id`,
    );
  },
  /** Orders cancelled per UTC day in [from, to] and reason. */
  async cancellations(from: string, to: string) {
    return withSql(
      (sql) => sql<{ day: string; reason: string; count: number }[]>`
      SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, cancel_reason AS reason, count(*)::int AS count
      FROM orders WHERE status = 'cancelled' AND updated_at >= ${start(from)} AND updated_at < ${end(to)} GROUP BY 1, 2`,
    );
  },
  /** These orders as the write table has them. */
  async orders(ids: string[]) {
    return withSql(
      (sql) => sql<{ orderId: string; status: string; userId: string; currency: string; totalCents: number }[]>`
      SELECT id AS "orderId", status, user_id AS "userId", currency, total_cents AS "totalCents" FROM orders WHERE id = ANY(${ids}::uuid[])`,
    );
  },
  async lastPosition() {
    const [r] = await withSql((sql) => sql<{ p: string }[]>`SELECT COALESCE(max(position), 0)::text AS p FROM events`);
    return Number(r!.p);
  },
};
