import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { productDaily, productOpenLines } from '@/db/schema';
import type { ProjectionDefinition } from './types';

interface OpenLine {
  order_id: string;
  product_id: string;
  quantity: number;
  value_cents: number;
  currency: string;
}
interface Sale {
  product_id: string;
  day: string;
  currency: string;
  units_sold: number;
  revenue_cents: number;
  completed_orders: number;
}
interface Settled {
  order_id: string;
  day: string;
}

/**
 * analytics.products and analytics.productDaily: per product, day and currency, units and revenue
 * of completed orders (on the day they completed), orders cancelled and money refunded (on their
 * day). OrderCancelled and PaymentRefunded carry no lines, so the lines of orders still in flight
 * are kept in product_open_lines until the order completes or is cancelled.
 */
export const productSalesProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'product_sales_daily',
  version: 1,
  handles: ['OrderPlaced', 'OrderCompleted', 'PaymentRefunded', 'OrderCancelled'],
  tables: ['product_daily', 'product_open_lines'],
  onError: 'dead-letter',
  async applyBatch(tx, events) {
    const open = new Map<string, OpenLine>();
    const sales = new Map<string, Sale>();
    const refunds: Settled[] = [];
    const cancels: Settled[] = [];
    const done: string[] = [];
    for (const e of events) {
      const day = e.occurredAt.slice(0, 10);
      switch (e.type) {
        case 'OrderPlaced':
          for (const l of e.data.lines) {
            const k = `${e.data.orderId}/${l.productId}`;
            const line =
              open.get(k) ??
              open
                .set(k, { order_id: e.data.orderId, product_id: l.productId, quantity: 0, value_cents: 0, currency: e.data.currency })
                .get(k)!;
            line.quantity += l.quantity;
            line.value_cents += l.quantity * l.unitPriceCents;
          }
          break;
        case 'OrderCompleted': {
          const seen = new Set<string>();
          for (const l of e.data.lines) {
            const k = `${l.productId}/${day}/${e.data.currency}`;
            const s =
              sales.get(k) ??
              sales
                .set(k, { product_id: l.productId, day, currency: e.data.currency, units_sold: 0, revenue_cents: 0, completed_orders: 0 })
                .get(k)!;
            s.units_sold += l.quantity;
            s.revenue_cents += l.quantity * l.unitPriceCents;
            if (!seen.has(l.productId)) {
              seen.add(l.productId);
              s.completed_orders++;
            }
          }
          done.push(e.data.orderId);
          break;
        }
        case 'PaymentRefunded':
          refunds.push({ order_id: e.data.orderId, day });
          break;
        case 'OrderCancelled':
          cancels.push({ order_id: e.data.orderId, day });
          done.push(e.data.orderId);
          break;
        default:
          break;
      }
    }
    // An order placed and settled (completed or cancelled) within the batch never needs its lines
    // stored: they would be deleted at the end of the batch. Those of a refunded or cancelled one
    // go to the upsert below as they are, as if stored (a line already stored for the same order
    // and product wins, as the insert's DO NOTHING would have it). A rebuild settles most orders so.
    const outcomes = [...refunds.map((r) => ({ ...r, refund: true })), ...cancels.map((c) => ({ ...c, refund: false }))];
    const settled = new Set(done);
    const refundedOrCancelled = new Set(outcomes.map((o) => o.order_id));
    const stored: OpenLine[] = [];
    const passing: OpenLine[] = [];
    for (const l of open.values()) {
      if (!settled.has(l.order_id)) stored.push(l);
      else if (refundedOrCancelled.has(l.order_id)) passing.push(l);
    }
    // Lines first: a refund or cancellation in this same batch finds its order's lines.
    if (stored.length) {
      await tx.execute(sql`
        INSERT INTO product_open_lines AS o (order_id, product_id, quantity, value_cents, currency)
        SELECT order_id, product_id, quantity, value_cents, currency
        FROM ${recordset(productOpenLines, stored)}
        ON CONFLICT (order_id, product_id) DO NOTHING`);
    }
    // Sales, refunds and cancellations in one upsert, one row per product, day and currency.
    // A refund gives back the whole order (the saga refunds only orders it could not fill), line by line.
    if (sales.size || outcomes.length) {
      await tx.execute(sql`
        WITH s AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) AS s(order_id uuid, day date, refund boolean)
        ), lines AS (
          SELECT order_id, product_id, value_cents, currency FROM product_open_lines WHERE order_id IN (SELECT order_id FROM s)
          UNION ALL
          SELECT v.order_id, v.product_id, v.value_cents, v.currency
          FROM ${recordset(productOpenLines, passing, { columns: ['orderId', 'productId', 'valueCents', 'currency'] })}
          WHERE NOT EXISTS (SELECT 1 FROM product_open_lines o WHERE o.order_id = v.order_id AND o.product_id = v.product_id)
        ), changes AS (
          SELECT product_id, day, currency, units_sold, revenue_cents, completed_orders, 0::bigint AS refunded_cents, 0 AS cancelled_orders
          FROM ${recordset(productDaily, [...sales.values()], { columns: ['productId', 'day', 'currency', 'unitsSold', 'revenueCents', 'completedOrders'] })}
          UNION ALL
          SELECT l.product_id, s.day, l.currency, 0, 0, 0, CASE WHEN s.refund THEN l.value_cents ELSE 0 END, CASE WHEN s.refund THEN 0 ELSE 1 END
          FROM s JOIN lines l ON l.order_id = s.order_id
        )
        INSERT INTO product_daily AS d (product_id, day, currency, units_sold, revenue_cents, completed_orders, refunded_cents, cancelled_orders)
        SELECT product_id, day, currency, sum(units_sold), sum(revenue_cents), sum(completed_orders), sum(refunded_cents), sum(cancelled_orders)
        FROM changes GROUP BY product_id, day, currency
        ON CONFLICT (product_id, day, currency) DO UPDATE SET units_sold = d.units_sold + excluded.units_sold,
          revenue_cents = d.revenue_cents + excluded.revenue_cents, completed_orders = d.completed_orders + excluded.completed_orders,
          refunded_cents = d.refunded_cents + excluded.refunded_cents, cancelled_orders = d.cancelled_orders + excluded.cancelled_orders`);
    }
    if (done.length) {
      await tx.execute(sql`DELETE FROM product_open_lines WHERE order_id = ANY(${`{${done.join(',')}}`}::uuid[])`);
    }
  },
};
