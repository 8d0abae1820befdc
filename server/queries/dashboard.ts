import { sql } from 'drizzle-orm';
import type { ReadDeps } from '@/server/deps';
import { readModel, type ReadOptions } from './read-model';
import { registrationsBetween, revenueBetween } from './reports';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** KPIs for today and a period (default: the last 30 days), with the series the charts draw. */
export function dashboardSummary(s: ReadDeps, input: { from?: string; to?: string } & ReadOptions) {
  const today = isoDay(new Date());
  const to = input.to ?? today;
  const from = input.from ?? isoDay(new Date(Date.parse(to) - 29 * 86400_000));
  return readModel(s, 'dashboard.summary', ['analytics', 'order_summary'], [from, to, today], input, async () => {
    const [revenue, registrations, byStatus, top] = await Promise.all([
      revenueBetween(s, { from, to }),
      registrationsBetween(s, { from, to }),
      s.read.db.execute<{ status: string; count: number }>(sql`
        SELECT status, count(*)::int AS count FROM order_summaries
        WHERE placed_at >= ${from}::date AND placed_at < ${to}::date + 1 GROUP BY status ORDER BY status`),
      s.read.db.execute<{ productId: string; name: string; unitsSold: number; revenueCents: number }>(sql`
        SELECT product_id AS "productId", name, units_sold AS "unitsSold", revenue_cents::float8 AS "revenueCents"
        FROM product_sales ORDER BY revenue_cents DESC LIMIT 5`),
    ]);
    const sum = <K extends keyof (typeof revenue)[number]>(k: K) => revenue.reduce((a, d) => a + Number(d[k]), 0);
    const todayRev = revenue.find((d) => d.day === today);
    const todayRegs = registrations.find((d) => d.day === today);
    const completed = sum('completedCount');
    const cancelled = sum('cancelledCount');
    const revenueCents = sum('revenueCents');
    return {
      today: { revenueCents: todayRev?.revenueCents ?? 0, completedOrders: todayRev?.completedCount ?? 0, placedOrders: todayRev?.placedCount ?? 0, newUsers: todayRegs?.count ?? 0 },
      period: {
        from, to, revenueCents, completedOrders: completed, placedOrders: sum('placedCount'), cancelledOrders: cancelled,
        avgOrderValueCents: completed ? Math.round(revenueCents / completed) : 0,
        newUsers: registrations.reduce((a, d) => a + d.count, 0),
        cancellationRate: completed + cancelled ? cancelled / (completed + cancelled) : 0,
      },
      revenue, registrations, ordersByStatus: [...byStatus], topProducts: [...top],
    };
  });
}
