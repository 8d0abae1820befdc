import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { addDays, daysOf, type Period } from './periods';

/** Days of stock left are at the rate of the last RECENT_DAYS days (up to today), not of the chosen range. */
export const RECENT_DAYS = 14;

export interface Money {
  currency: string;
  cents: number;
}
export interface ProductRow {
  productId: string;
  sku: string;
  name: string;
  unitsSold: number;
  completedOrders: number;
  cancelledOrders: number;
  /** cancelled / (completed + cancelled) orders with this product in the range; null without either. */
  cancellationRate: number | null;
  revenue: Money[];
  refunds: Money[];
  onHand: number;
  /** Units sold per day over the last RECENT_DAYS days. */
  recentDailyUnits: number;
  /** onHand at that rate; null when nothing sold recently. */
  daysOfStockLeft: number | null;
}

type Raw = {
  productId: string;
  sku: string;
  name: string;
  onHand: number;
  recentUnits: number;
  sales: { currency: string; units: number; revenue: number; completed: number; cancelled: number; refunded: number }[];
};

/** One row per product of the catalog, with what it sold in the period. */
export async function loadProducts(db: Db, period: Period, today: string): Promise<ProductRow[]> {
  const rows = await db.execute<Raw>(sql`
    WITH sales AS (
      SELECT product_id, currency, sum(units_sold)::int AS units, sum(revenue_cents)::float8 AS revenue, sum(completed_orders)::int AS completed,
        sum(cancelled_orders)::int AS cancelled, sum(refunded_cents)::float8 AS refunded
      FROM product_daily WHERE day BETWEEN ${period.from}::date AND ${period.to}::date GROUP BY product_id, currency
    ), recent AS (
      SELECT product_id, sum(units_sold)::int AS units FROM product_daily
      WHERE day BETWEEN ${addDays(today, 1 - RECENT_DAYS)}::date AND ${today}::date GROUP BY product_id
    )
    SELECT i.product_id AS "productId", i.sku, i.name, i.on_hand AS "onHand", COALESCE(r.units, 0) AS "recentUnits",
      COALESCE(jsonb_agg(jsonb_build_object('currency', s.currency, 'units', s.units, 'revenue', s.revenue, 'completed', s.completed,
        'cancelled', s.cancelled, 'refunded', s.refunded) ORDER BY s.currency) FILTER (WHERE s.currency IS NOT NULL), '[]'::jsonb) AS sales
    FROM inventory i LEFT JOIN sales s ON s.product_id = i.product_id LEFT JOIN recent r ON r.product_id = i.product_id
    GROUP BY i.product_id, i.sku, i.name, i.on_hand, r.units
    ORDER BY i.name, i.product_id`);
  return rows.map((r) => {
    const total = (f: (s: Raw['sales'][number]) => number) => r.sales.reduce((a, s) => a + f(s), 0);
    const completed = total((s) => s.completed);
    const cancelled = total((s) => s.cancelled);
    const rate = r.recentUnits / RECENT_DAYS;
    return {
      productId: r.productId,
      sku: r.sku,
      name: r.name,
      unitsSold: total((s) => s.units),
      completedOrders: completed,
      cancelledOrders: cancelled,
      cancellationRate: completed + cancelled ? cancelled / (completed + cancelled) : null,
      revenue: r.sales.filter((s) => s.revenue).map((s) => ({ currency: s.currency, cents: s.revenue })),
      refunds: r.sales.filter((s) => s.refunded).map((s) => ({ currency: s.currency, cents: s.refunded })),
      onHand: r.onHand,
      recentDailyUnits: rate,
      daysOfStockLeft: rate > 0 ? Math.floor(r.onHand / rate) : null,
    };
  });
}

export interface ProductDay {
  day: string;
  unitsSold: number;
  completedOrders: number;
  cancelledOrders: number;
  revenue: Record<string, number>;
}
export interface ProductHistory {
  product: { productId: string; sku: string; name: string } | null;
  currencies: string[];
  days: ProductDay[];
}

/** One product, day by day: the product page's chart. */
export async function loadProductDaily(db: Db, productId: string, period: Period): Promise<ProductHistory> {
  const [product, rows] = await Promise.all([
    db.execute<{ productId: string; sku: string; name: string }>(
      sql`SELECT product_id AS "productId", sku, name FROM inventory WHERE product_id = ${productId}`,
    ),
    db.execute<{ day: string; currency: string; units: number; completed: number; cancelled: number; revenue: number }>(sql`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, units_sold AS units, completed_orders AS completed, cancelled_orders AS cancelled, revenue_cents::float8 AS revenue
      FROM product_daily WHERE product_id = ${productId} AND day BETWEEN ${period.from}::date AND ${period.to}::date`),
  ]);
  const days = new Map(
    daysOf(period).map((day) => [
      day,
      { day, unitsSold: 0, completedOrders: 0, cancelledOrders: 0, revenue: {} as Record<string, number> },
    ]),
  );
  const currencies = new Set<string>();
  for (const r of rows) {
    const d = days.get(r.day);
    if (!d) continue;
    d.unitsSold += r.units;
    d.completedOrders += r.completed;
    d.cancelledOrders += r.cancelled;
    if (r.revenue) {
      d.revenue[r.currency] = (d.revenue[r.currency] ?? 0) + r.revenue;
      currencies.add(r.currency);
    }
  }
  return { product: product[0] ?? null, currencies: [...currencies].sort(), days: [...days.values()] };
}
