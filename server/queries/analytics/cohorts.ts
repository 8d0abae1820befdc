import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Period } from './periods';

/** At most this many weeks since registration are shown (the columns of the grid). */
export const MAX_COHORT_WEEKS = 12;

export interface CohortRow {
  /** The Monday (UTC) of the registration week. */
  cohortWeek: string;
  customers: number;
  /** Per week since registration (0 = the registration week): customers who completed an order that week. */
  cells: { weeksSince: number; active: number; share: number }[];
}
export interface RepeatWeek {
  week: string;
  buyers: number;
  repeatBuyers: number;
  rate: number | null;
}
export interface CohortReport {
  weeks: number;
  cohorts: CohortRow[];
  repeat: RepeatWeek[];
}

/**
 * Customers who registered in the period's weeks, against the weeks since (only weeks that have
 * ended up to `today` count). And per week, of the customers who completed an order that week,
 * the share who had completed one in an earlier week: the repeat-customer rate.
 */
export async function loadCohorts(db: Db, period: Period, today: string): Promise<CohortReport> {
  const [cohorts, cells, repeat] = await Promise.all([
    db.execute<{ week: string; customers: number; age: number }>(sql`
      SELECT to_char(cohort_week, 'YYYY-MM-DD') AS week, count(*)::int AS customers,
        LEAST(${MAX_COHORT_WEEKS - 1}, (date_trunc('week', ${today}::date)::date - cohort_week) / 7)::int AS age
      FROM cohort_customers
      WHERE cohort_week BETWEEN date_trunc('week', ${period.from}::date)::date AND ${period.to}::date
      GROUP BY cohort_week ORDER BY cohort_week`),
    db.execute<{ week: string; since: number; active: number }>(sql`
      SELECT to_char(c.cohort_week, 'YYYY-MM-DD') AS week, ((a.week - c.cohort_week) / 7)::int AS since, count(DISTINCT a.user_id)::int AS active
      FROM cohort_customers c JOIN cohort_activity a ON a.user_id = c.user_id
      WHERE c.cohort_week BETWEEN date_trunc('week', ${period.from}::date)::date AND ${period.to}::date
        AND a.week >= c.cohort_week AND a.week < c.cohort_week + ${MAX_COHORT_WEEKS * 7}::int
      GROUP BY 1, 2`),
    db.execute<{ week: string; buyers: number; repeat: number }>(sql`
      WITH firsts AS (SELECT user_id, min(week) AS first_week FROM cohort_activity GROUP BY user_id)
      SELECT to_char(a.week, 'YYYY-MM-DD') AS week, count(*)::int AS buyers, count(*) FILTER (WHERE f.first_week < a.week)::int AS repeat
      FROM cohort_activity a JOIN firsts f ON f.user_id = a.user_id
      WHERE a.week BETWEEN date_trunc('week', ${period.from}::date)::date AND ${period.to}::date
      GROUP BY a.week ORDER BY a.week`),
  ]);
  const active = new Map([...cells].map((c) => [`${c.week}/${c.since}`, c.active]));
  const rows = [...cohorts].map((c) => ({
    cohortWeek: c.week,
    customers: c.customers,
    cells: Array.from({ length: c.age + 1 }, (_, weeksSince) => {
      const n = active.get(`${c.week}/${weeksSince}`) ?? 0;
      return { weeksSince, active: n, share: c.customers ? n / c.customers : 0 };
    }),
  }));
  return {
    weeks: rows.reduce((m, r) => Math.max(m, r.cells.length), 0),
    cohorts: rows,
    repeat: [...repeat].map((r) => ({
      week: r.week,
      buyers: r.buyers,
      repeatBuyers: r.repeat,
      rate: r.buyers ? r.repeat / r.buyers : null,
    })),
  };
}
