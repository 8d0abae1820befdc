import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { dailyRegistrations, dailyRevenue } from '@/db/schema';
import type { ProjectionDefinition } from './types';

/** One daily_revenue row's increments (keys are its columns), plus the day's registrations. */
interface Day {
  day: string;
  currency: string;
  registrations: number;
  placed_count: number;
  completed_count: number;
  cancelled_count: number;
  revenue_cents: number;
  refunded_cents: number;
}

/**
 * reports.*, analytics.kpis and dashboard.summary: per-day (and per-currency) counters. Days are UTC.
 * Version 2 no longer keeps `product_sales` (all currencies added together, read by nothing);
 * sales per product and currency are `product_sales_daily`'s.
 */
export const analyticsProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'analytics',
  version: 2,
  handles: ['UserCreated', 'OrderPlaced', 'OrderCompleted', 'OrderCancelled', 'PaymentRefunded'],
  tables: ['daily_registrations', 'daily_revenue'],
  onError: 'dead-letter',
  async applyBatch(tx, events) {
    const days = new Map<string, Day>();
    const day = (at: string, currency = 'USD') => {
      const d = at.slice(0, 10);
      const k = `${d}/${currency}`;
      return (
        days.get(k) ??
        days
          .set(k, {
            day: d,
            currency,
            registrations: 0,
            placed_count: 0,
            completed_count: 0,
            cancelled_count: 0,
            revenue_cents: 0,
            refunded_cents: 0,
          })
          .get(k)!
      );
    };
    for (const e of events) {
      switch (e.type) {
        case 'UserCreated':
          day(e.occurredAt).registrations++;
          break;
        case 'OrderPlaced':
          day(e.occurredAt, e.data.currency).placed_count++;
          break;
        case 'OrderCompleted': {
          const d = day(e.occurredAt, e.data.currency);
          d.completed_count++;
          d.revenue_cents += e.data.totalCents;
          break;
        }
        case 'OrderCancelled':
          day(e.occurredAt, e.data.currency).cancelled_count++;
          break;
        case 'PaymentRefunded':
          day(e.occurredAt, e.data.currency).refunded_cents += e.data.amountCents;
          break;
        default:
          break;
      }
    }
    const all = [...days.values()];
    const regs = [
      ...all
        .filter((d) => d.registrations > 0)
        .reduce((m, d) => m.set(d.day, (m.get(d.day) ?? 0) + d.registrations), new Map<string, number>()),
    ].map(([d, count]) => ({ day: d, count }));
    if (regs.length) {
      await tx.execute(sql`
        INSERT INTO daily_registrations (day, count)
        SELECT day, count FROM ${recordset(dailyRegistrations, regs)}
        ON CONFLICT (day) DO UPDATE SET count = daily_registrations.count + excluded.count`);
    }
    const rev = all.filter((d) => d.placed_count || d.completed_count || d.cancelled_count || d.refunded_cents);
    if (rev.length) {
      await tx.execute(sql`
        INSERT INTO daily_revenue (day, currency, placed_count, completed_count, cancelled_count, revenue_cents, refunded_cents)
        SELECT day, currency, placed_count, completed_count, cancelled_count, revenue_cents, refunded_cents FROM ${recordset(dailyRevenue, rev)}
        ON CONFLICT (day, currency) DO UPDATE SET placed_count = daily_revenue.placed_count + excluded.placed_count,
          completed_count = daily_revenue.completed_count + excluded.completed_count,
          cancelled_count = daily_revenue.cancelled_count + excluded.cancelled_count,
          revenue_cents = daily_revenue.revenue_cents + excluded.revenue_cents,
          refunded_cents = daily_revenue.refunded_cents + excluded.refunded_cents`);
    }
  },
};
