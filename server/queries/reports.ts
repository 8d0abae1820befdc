import { sql } from 'drizzle-orm';
import type { ReadDeps } from '@/server/deps';
import { readModel, type ReadOptions } from './read-model';

export type RevenueDay = {
  day: string;
  currency: string;
  completedCount: number;
  revenueCents: number;
  avgOrderValueCents: number;
  placedCount: number;
  cancelledCount: number;
  refundedCents: number;
};
export type DayRange = { from: string; to: string };
export type RevenueRange = DayRange & { currency?: string };

/** Every day in [from, to], zeros included. */
export function dailyRegistrations(s: ReadDeps, input: DayRange & ReadOptions) {
  return readModel(s, 'reports.dailyRegistrations', ['analytics'], [input.from, input.to], input, () => registrationsBetween(s, input));
}

export async function registrationsBetween(s: ReadDeps, r: DayRange) {
  const rows = await s.read.db.execute<{ day: string; count: number }>(sql`
    SELECT to_char(d, 'YYYY-MM-DD') AS day, COALESCE(r.count, 0)::int AS count
    FROM generate_series(${r.from}::date, ${r.to}::date, interval '1 day') AS d
    LEFT JOIN daily_registrations r ON r.day = d::date ORDER BY d`);
  return [...rows];
}

/** Revenue per day in one currency (default USD): amounts in different currencies are never added. */
export function revenue(s: ReadDeps, input: RevenueRange & ReadOptions) {
  return readModel(s, 'reports.revenue', ['analytics'], [input.from, input.to, input.currency ?? 'USD'], input, () =>
    revenueBetween(s, input),
  );
}

export async function revenueBetween(s: ReadDeps, r: RevenueRange): Promise<RevenueDay[]> {
  const currency = r.currency ?? 'USD';
  const rows = await s.read.db.execute<RevenueDay>(sql`
    SELECT to_char(d, 'YYYY-MM-DD') AS day, ${currency}::text AS currency, COALESCE(v.completed_count, 0)::int AS "completedCount",
      COALESCE(v.revenue_cents, 0)::float8 AS "revenueCents",
      CASE WHEN COALESCE(v.completed_count, 0) = 0 THEN 0 ELSE round(v.revenue_cents::numeric / v.completed_count)::float8 END AS "avgOrderValueCents",
      COALESCE(v.placed_count, 0)::int AS "placedCount", COALESCE(v.cancelled_count, 0)::int AS "cancelledCount",
      COALESCE(v.refunded_cents, 0)::float8 AS "refundedCents"
    FROM generate_series(${r.from}::date, ${r.to}::date, interval '1 day') AS d
    LEFT JOIN daily_revenue v ON v.day = d::date AND v.currency = ${currency} ORDER BY d`);
  return [...rows];
}
