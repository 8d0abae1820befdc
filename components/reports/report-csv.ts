import { toCsv } from '@/lib/client/csv';
import type { RouterOutputs } from '@/lib/client/trpc';

type Revenue = RouterOutputs['reports']['revenue']['data'];
type Registrations = RouterOutputs['reports']['dailyRegistrations']['data'];

export const reportHeader = [
  'day',
  'currency',
  'registrations',
  'placed_orders',
  'completed_orders',
  'cancelled_orders',
  'revenue_cents',
  'avg_order_value_cents',
  'refunded_cents',
];

/** One row per day of the range, joining the two reports on the day. */
export function reportCsv(revenue: Revenue, registrations: Registrations): string {
  const regs = new Map(registrations.map((r) => [r.day, r.count]));
  const days = [...new Set([...revenue.map((r) => r.day), ...registrations.map((r) => r.day)])].sort();
  const byDay = new Map(revenue.map((r) => [r.day, r]));
  const rows = days.map((day) => {
    const r = byDay.get(day);
    return [
      day,
      r?.currency ?? '',
      regs.get(day) ?? 0,
      r?.placedCount ?? 0,
      r?.completedCount ?? 0,
      r?.cancelledCount ?? 0,
      r?.revenueCents ?? 0,
      r?.avgOrderValueCents ?? 0,
      r?.refundedCents ?? 0,
    ];
  });
  return toCsv(reportHeader, rows);
}
