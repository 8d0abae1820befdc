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
    // Lines first: a refund or cancellation in this same batch finds its order's lines.
    if (open.size) {
      await tx.execute(sql`
        INSERT INTO product_open_lines AS o (order_id, product_id, quantity, value_cents, currency)
        SELECT order_id, product_id, quantity, value_cents, currency
        FROM ${recordset(productOpenLines, [...open.values()])}
        ON CONFLICT (order_id, product_id) DO NOTHING`);
    }
    if (sales.size) {
      await tx.execute(sql`
        INSERT INTO product_daily AS d (product_id, day, currency, units_sold, revenue_cents, completed_orders)
        SELECT product_id, day, currency, units_sold, revenue_cents, completed_orders FROM ${recordset(productDaily, [...sales.values()])}
        ON CONFLICT (product_id, day, currency) DO UPDATE SET units_sold = d.units_sold + excluded.units_sold,
          revenue_cents = d.revenue_cents + excluded.revenue_cents, completed_orders = d.completed_orders + excluded.completed_orders`);
    }
    // A refund gives back the whole order (the saga refunds only orders it could not fill), line by line.
    if (refunds.length) {
      await tx.execute(sql`
        INSERT INTO product_daily AS d (product_id, day, currency, refunded_cents)
        SELECT l.product_id, v.day, l.currency, sum(l.value_cents)
        FROM jsonb_to_recordset(${JSON.stringify(refunds)}::jsonb) AS v(order_id uuid, day date)
        JOIN product_open_lines l ON l.order_id = v.order_id
        GROUP BY l.product_id, v.day, l.currency
        ON CONFLICT (product_id, day, currency) DO UPDATE SET refunded_cents = d.refunded_cents + excluded.refunded_cents`);
    }
    if (cancels.length) {
      await tx.execute(sql`
        INSERT INTO product_daily AS d (product_id, day, currency, cancelled_orders)
        SELECT l.product_id, v.day, l.currency, count(*)
        FROM jsonb_to_recordset(${JSON.stringify(cancels)}::jsonb) AS v(order_id uuid, day date)
        JOIN product_open_lines l ON l.order_id = v.order_id
        GROUP BY l.product_id, v.day, l.currency
        ON CONFLICT (product_id, day, currency) DO UPDATE SET cancelled_orders = d.cancelled_orders + excluded.cancelled_orders`);
    }
    if (done.length) {
      await tx.execute(sql`DELETE FROM product_open_lines WHERE order_id = ANY(${`{${done.join(',')}}`}::uuid[])`);
    }
  },
};
