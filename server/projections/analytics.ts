import { sql } from 'drizzle-orm';
import type { ProjectionDefinition } from './types';

interface Day { day: string; currency: string; registrations: number; placed: number; completed: number; cancelled: number; revenue: number; refunded: number }

/** reports.* and dashboard.summary: per-day (and per-currency) counters and per-product sales. Days are UTC. */
export const analyticsProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'analytics',
  version: 1,
  handles: ['UserCreated', 'OrderPlaced', 'OrderCompleted', 'OrderCancelled', 'PaymentRefunded'],
  tables: ['daily_registrations', 'daily_revenue', 'product_sales'],
  onError: 'dead-letter',
  async applyBatch(tx, events) {
    const days = new Map<string, Day>();
    const products = new Map<string, { product_id: string; name: string; units: number; revenue: number }>();
    const day = (at: string, currency = 'USD') => {
      const d = at.slice(0, 10);
      const k = `${d}/${currency}`;
      return days.get(k) ?? days.set(k, { day: d, currency, registrations: 0, placed: 0, completed: 0, cancelled: 0, revenue: 0, refunded: 0 }).get(k)!;
    };
    for (const e of events) {
      switch (e.type) {
        case 'UserCreated': day(e.occurredAt).registrations++; break;
        case 'OrderPlaced': day(e.occurredAt, e.data.currency).placed++; break;
        case 'OrderCompleted': {
          const d = day(e.occurredAt, e.data.currency); d.completed++; d.revenue += e.data.totalCents;
          for (const l of e.data.lines) {
            const p = products.get(l.productId) ?? products.set(l.productId, { product_id: l.productId, name: l.name, units: 0, revenue: 0 }).get(l.productId)!;
            p.units += l.quantity; p.revenue += l.quantity * l.unitPriceCents; p.name = l.name;
          }
          break;
        }
        case 'OrderCancelled': day(e.occurredAt, e.data.currency).cancelled++; break;
        case 'PaymentRefunded': day(e.occurredAt, e.data.currency).refunded += e.data.amountCents; break;
        default: break;
      }
    }
    const all = [...days.values()];
    const regs = [...all.filter((d) => d.registrations > 0).reduce((m, d) => m.set(d.day, (m.get(d.day) ?? 0) + d.registrations), new Map<string, number>())]
      .map(([d, registrations]) => ({ day: d, registrations }));
    if (regs.length) {
      await tx.execute(sql`
        INSERT INTO daily_registrations (day, count)
        SELECT day, registrations FROM jsonb_to_recordset(${JSON.stringify(regs)}::jsonb) AS v(day date, registrations int)
        ON CONFLICT (day) DO UPDATE SET count = daily_registrations.count + excluded.count`);
    }
    const rev = all.filter((d) => d.placed || d.completed || d.cancelled || d.refunded);
    if (rev.length) {
      await tx.execute(sql`
        INSERT INTO daily_revenue (day, currency, placed_count, completed_count, cancelled_count, revenue_cents, refunded_cents)
        SELECT day, currency, placed, completed, cancelled, revenue, refunded
        FROM jsonb_to_recordset(${JSON.stringify(rev)}::jsonb) AS v(day date, currency text, placed int, completed int, cancelled int, revenue bigint, refunded bigint)
        ON CONFLICT (day, currency) DO UPDATE SET placed_count = daily_revenue.placed_count + excluded.placed_count,
          completed_count = daily_revenue.completed_count + excluded.completed_count,
          cancelled_count = daily_revenue.cancelled_count + excluded.cancelled_count,
          revenue_cents = daily_revenue.revenue_cents + excluded.revenue_cents,
          refunded_cents = daily_revenue.refunded_cents + excluded.refunded_cents`);
    }
    if (products.size) {
      await tx.execute(sql`
        INSERT INTO product_sales (product_id, name, units_sold, revenue_cents)
        SELECT product_id, name, units, revenue FROM jsonb_to_recordset(${JSON.stringify([...products.values()])}::jsonb)
          AS v(product_id uuid, name text, units int, revenue bigint)
        ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, units_sold = product_sales.units_sold + excluded.units_sold,
          revenue_cents = product_sales.revenue_cents + excluded.revenue_cents`);
    }
  },
};
