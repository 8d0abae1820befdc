import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { daysOf, previousPeriod, addDays, type Period } from './periods';

/**
 * One KPI over a period against the period of the same length before it. Money KPIs carry their
 * currency and come once per currency: amounts in different currencies are never added up.
 */
export interface Kpi {
  key: KpiKey;
  currency: string | null;
  current: number;
  previous: number;
  change: number;
  /** The change as a fraction of the previous value; null when the previous value is 0. */
  changeRate: number | null;
  /** The daily values of the period, for a sparkline (rates: that day's rate). */
  series: number[];
}
export type KpiKey =
  'revenue' | 'avgOrderValue' | 'refunded' | 'placedOrders' | 'completedOrders' | 'cancelledOrders' | 'cancellationRate' | 'newUsers';

type DayRow = { day: string; currency: string; placed: number; completed: number; cancelled: number; revenue: number; refunded: number };

export interface KpiReport {
  period: Period;
  previous: Period;
  currencies: string[];
  kpis: Kpi[];
}

/** Every KPI of `period` against the one before it, from the analytics projection's daily counters. */
export async function loadKpis(db: Db, period: Period): Promise<KpiReport> {
  const previous = previousPeriod(period);
  const [revenueRows, registrationRows] = await Promise.all([
    db.execute<DayRow>(sql`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, placed_count AS placed, completed_count AS completed, cancelled_count AS cancelled,
        revenue_cents::float8 AS revenue, refunded_cents::float8 AS refunded
      FROM daily_revenue WHERE day BETWEEN ${previous.from}::date AND ${period.to}::date`),
    db.execute<{ day: string; count: number }>(sql`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, count FROM daily_registrations WHERE day BETWEEN ${previous.from}::date AND ${period.to}::date`),
  ]);
  const rows = [...revenueRows];
  const regs = new Map([...registrationRows].map((r) => [r.day, r.count]));
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  if (currencies.length === 0) currencies.push('USD');
  const days = { current: daysOf(period), previous: daysOf(previous) };
  const byDay = new Map<string, DayRow[]>();
  for (const r of rows) (byDay.get(r.day) ?? byDay.set(r.day, []).get(r.day)!).push(r);
  const sum = (ds: string[], f: (r: DayRow) => number, currency?: string) =>
    ds.reduce((a, d) => a + (byDay.get(d) ?? []).filter((r) => !currency || r.currency === currency).reduce((b, r) => b + f(r), 0), 0);
  const ratio = (a: number, b: number) => (b ? a / b : 0);

  const kpi = (key: KpiKey, currency: string | null, value: (ds: string[]) => number): Kpi => {
    const current = value(days.current);
    const prev = value(days.previous);
    return {
      key,
      currency,
      current,
      previous: prev,
      change: current - prev,
      changeRate: prev ? (current - prev) / prev : null,
      series: days.current.map((d) => value([d])),
    };
  };
  const kpis: Kpi[] = [];
  for (const c of currencies) {
    kpis.push(kpi('revenue', c, (ds) => sum(ds, (r) => r.revenue, c)));
    kpis.push(
      kpi('avgOrderValue', c, (ds) =>
        Math.round(
          ratio(
            sum(ds, (r) => r.revenue, c),
            sum(ds, (r) => r.completed, c),
          ),
        ),
      ),
    );
    kpis.push(kpi('refunded', c, (ds) => sum(ds, (r) => r.refunded, c)));
  }
  kpis.push(kpi('placedOrders', null, (ds) => sum(ds, (r) => r.placed)));
  kpis.push(kpi('completedOrders', null, (ds) => sum(ds, (r) => r.completed)));
  kpis.push(kpi('cancelledOrders', null, (ds) => sum(ds, (r) => r.cancelled)));
  kpis.push(
    kpi('cancellationRate', null, (ds) => {
      const cancelled = sum(ds, (r) => r.cancelled);
      return ratio(cancelled, cancelled + sum(ds, (r) => r.completed));
    }),
  );
  kpis.push(kpi('newUsers', null, (ds) => ds.reduce((a, d) => a + (regs.get(d) ?? 0), 0)));
  return { period, previous, currencies, kpis };
}

/** The KPIs of one day against the day before, with the 14 days up to it as the sparkline. */
export async function loadDayKpis(db: Db, day: string): Promise<KpiReport> {
  const window = await loadKpis(db, { from: addDays(day, -13), to: day });
  const single = await loadKpis(db, { from: day, to: day });
  const series = new Map(window.kpis.map((k) => [`${k.key}/${k.currency}`, k.series]));
  return { ...single, kpis: single.kpis.map((k) => ({ ...k, series: series.get(`${k.key}/${k.currency}`) ?? k.series })) };
}
