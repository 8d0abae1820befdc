import { sql } from 'drizzle-orm';
import type { ReadDeps } from '@/server/deps';
import { HOME_CURRENCY, orderCurrencies } from '@/server/domain/contracts';
import { readModel, type ReadOptions } from './read-model';
import { registrationsBetween, revenueBetween } from './reports';
import { addDays, todayUtc } from './analytics/periods';

/** How many best sellers are listed per currency. */
const TOP_PRODUCTS = 5;

/** What a period (or today) took in one currency. Amounts in different currencies are never added. */
export interface CurrencyTotals {
  currency: string;
  revenueCents: number;
  completedOrders: number;
  avgOrderValueCents: number;
  refundedCents: number;
}
type Counts = { currency: string; placed: number; completed: number; cancelled: number; revenue: number; refunded: number };

function totalsOf(rows: Counts[], currencies: string[]) {
  const by = new Map(rows.map((r) => [r.currency, r]));
  const byCurrency: CurrencyTotals[] = currencies.map((currency) => {
    const r = by.get(currency);
    const revenueCents = r?.revenue ?? 0;
    const completedOrders = r?.completed ?? 0;
    return {
      currency,
      revenueCents,
      completedOrders,
      avgOrderValueCents: completedOrders ? Math.round(revenueCents / completedOrders) : 0,
      refundedCents: r?.refunded ?? 0,
    };
  });
  // Counts of orders add up across currencies; money does not.
  const count = (f: (r: Counts) => number) => rows.reduce((a, r) => a + f(r), 0);
  return { byCurrency, placed: count((r) => r.placed), completed: count((r) => r.completed), cancelled: count((r) => r.cancelled) };
}

/**
 * KPIs for today and a period (default: the last 30 days), with the series the charts draw. Money
 * comes once per currency (`byCurrency`, `topProducts`); the single money figures (`revenueCents`,
 * `avgOrderValueCents`) and the `revenue` series are those of `currency`: the one asked for, else
 * the first of `currencies` (the home currency when the period has it).
 */
export function dashboardSummary(s: ReadDeps, input: { from?: string; to?: string; currency?: string } & ReadOptions) {
  const today = todayUtc();
  const to = input.to ?? today;
  const from = input.from ?? addDays(to, -29);
  const projections = ['analytics', 'order_summary', 'product_sales_daily', 'inventory'];
  return readModel(s, 'dashboard.summary', projections, [from, to, today, input.currency ?? null], input, async () => {
    const totals = (a: string, b: string) =>
      s.read.db.execute<Counts>(sql`
      SELECT currency, sum(placed_count)::int AS placed, sum(completed_count)::int AS completed, sum(cancelled_count)::int AS cancelled,
        sum(revenue_cents)::float8 AS revenue, sum(refunded_cents)::float8 AS refunded
      FROM daily_revenue WHERE day BETWEEN ${a}::date AND ${b}::date GROUP BY currency`);
    const [periodRows, todayRows, registrations, byStatus, top] = await Promise.all([
      totals(from, to),
      totals(today, today),
      registrationsBetween(s, { from, to }),
      s.read.db.execute<{ status: string; count: number }>(sql`
        SELECT status, count(*)::int AS count FROM order_summaries
        WHERE placed_at >= ${from}::date AND placed_at < ${to}::date + 1 GROUP BY status ORDER BY status`),
      // Best sellers of the period in each currency: revenue is ranked within its currency only.
      s.read.db.execute<{ productId: string; name: string; currency: string; unitsSold: number; revenueCents: number }>(sql`
        SELECT "productId", name, currency, "unitsSold", "revenueCents" FROM (
          SELECT d.product_id AS "productId", COALESCE(i.name, d.product_id::text) AS name, d.currency,
            sum(d.units_sold)::int AS "unitsSold", sum(d.revenue_cents)::float8 AS "revenueCents",
            row_number() OVER (PARTITION BY d.currency ORDER BY sum(d.revenue_cents) DESC, d.product_id) AS rank
          FROM product_daily d LEFT JOIN inventory i ON i.product_id = d.product_id
          WHERE d.day BETWEEN ${from}::date AND ${to}::date
          GROUP BY d.product_id, i.name, d.currency HAVING sum(d.revenue_cents) > 0
        ) ranked WHERE rank <= ${TOP_PRODUCTS} ORDER BY currency, rank`),
    ]);
    const found = orderCurrencies([...periodRows, ...todayRows].map((r) => r.currency));
    const currencies = found.length ? found : [HOME_CURRENCY];
    const currency = input.currency ?? currencies[0]!;
    const revenue = await revenueBetween(s, { from, to, currency });
    const period = totalsOf([...periodRows], currencies);
    const day = totalsOf([...todayRows], currencies);
    const main = (t: ReturnType<typeof totalsOf>) => t.byCurrency.find((c) => c.currency === currency);
    const rank = new Map(currencies.map((c, i) => [c, i]));
    return {
      currencies,
      currency,
      today: {
        currency,
        revenueCents: main(day)?.revenueCents ?? 0,
        completedOrders: day.completed,
        placedOrders: day.placed,
        newUsers: registrations.find((d) => d.day === today)?.count ?? 0,
        byCurrency: day.byCurrency,
      },
      period: {
        from,
        to,
        currency,
        revenueCents: main(period)?.revenueCents ?? 0,
        avgOrderValueCents: main(period)?.avgOrderValueCents ?? 0,
        completedOrders: period.completed,
        placedOrders: period.placed,
        cancelledOrders: period.cancelled,
        newUsers: registrations.reduce((a, d) => a + d.count, 0),
        cancellationRate: period.completed + period.cancelled ? period.cancelled / (period.completed + period.cancelled) : 0,
        byCurrency: period.byCurrency,
      },
      revenue,
      registrations,
      ordersByStatus: [...byStatus],
      topProducts: [...top].sort((a, b) => (rank.get(a.currency) ?? 99) - (rank.get(b.currency) ?? 99)),
    };
  });
}
