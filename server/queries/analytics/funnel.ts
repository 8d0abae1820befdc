import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { daysOf, type Period } from './periods';
import { dayEnd, dayStart, utcDay } from './sql';

export const funnelSteps = ['placed', 'paid', 'reserved', 'completed'] as const;
export type FunnelStep = (typeof funnelSteps)[number];
/** The saga's cancel reasons; anything else is counted as `other`. */
export const cancelReasons = ['payment_failed', 'out_of_stock', 'payment_timeout'] as const;

export interface FunnelReport {
  period: Period;
  /** Orders placed in the period and how many of them reached each step (so far). */
  steps: { step: FunnelStep; orders: number; dropped: number; dropRate: number | null; shareOfPlaced: number | null }[];
  /** Orders cancelled per day (by the day they were cancelled), by reason. */
  cancellations: { day: string; payment_failed: number; out_of_stock: number; payment_timeout: number; other: number }[];
  /** Placed → completed, in seconds, for the orders completed each day. */
  timing: { day: string; completed: number; p50Seconds: number | null; p95Seconds: number | null }[];
}

export async function loadFunnel(db: Db, period: Period): Promise<FunnelReport> {
  const from = dayStart(period.from);
  const to = dayEnd(period.to);
  const [counts, cancels, timing] = await Promise.all([
    db.execute<Record<FunnelStep, number>>(sql`
      SELECT count(*)::int AS placed, count(paid_at)::int AS paid, count(reserved_at)::int AS reserved, count(completed_at)::int AS completed
      FROM order_facts WHERE placed_at >= ${from} AND placed_at < ${to}`),
    db.execute<{ day: string; reason: string; n: number }>(sql`
      SELECT ${utcDay('cancelled_at')} AS day, cancel_reason AS reason, count(*)::int AS n
      FROM order_facts WHERE cancelled_at >= ${from} AND cancelled_at < ${to} GROUP BY 1, 2`),
    db.execute<{ day: string; completed: number; p50: number | null; p95: number | null }>(sql`
      SELECT ${utcDay('completed_at')} AS day, count(*)::int AS completed,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - placed_at))::float8 AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - placed_at))::float8 AS p95
      FROM order_facts WHERE completed_at >= ${from} AND completed_at < ${to} AND placed_at IS NOT NULL GROUP BY 1`),
  ]);
  const c = counts[0] ?? { placed: 0, paid: 0, reserved: 0, completed: 0 };
  const steps = funnelSteps.map((step, i) => {
    const before = i === 0 ? c.placed : c[funnelSteps[i - 1]!];
    const dropped = before - c[step];
    return {
      step,
      orders: c[step],
      dropped,
      dropRate: before ? dropped / before : null,
      shareOfPlaced: c.placed ? c[step] / c.placed : null,
    };
  });
  const byDay = new Map<string, FunnelReport['cancellations'][number]>();
  const days = daysOf(period);
  for (const day of days) byDay.set(day, { day, payment_failed: 0, out_of_stock: 0, payment_timeout: 0, other: 0 });
  for (const r of cancels) {
    const row = byDay.get(r.day);
    if (!row) continue;
    const reason = (cancelReasons as readonly string[]).includes(r.reason) ? (r.reason as (typeof cancelReasons)[number]) : 'other';
    row[reason] += r.n;
  }
  const timed = new Map([...timing].map((r) => [r.day, r]));
  return {
    period,
    steps,
    cancellations: [...byDay.values()],
    timing: days.map((day) => {
      const t = timed.get(day);
      return { day, completed: t?.completed ?? 0, p50Seconds: t?.p50 ?? null, p95Seconds: t?.p95 ?? null };
    }),
  };
}
