'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import type { DayRange } from '@/lib/client/use-range-params';
import { RevenueChart } from '@/components/charts/revenue-chart';

/** Daily revenue in one more currency: each currency gets its own chart, never a sum across them. */
export function CurrencyRevenueChart({
  range,
  currency,
  onDayClick,
  live,
  csvFile,
}: {
  range: DayRange;
  currency: string;
  onDayClick?: (day: string) => void;
  live?: boolean;
  csvFile?: string;
}) {
  const trpc = useTRPC();
  const revenue = useQuery({
    ...trpc.reports.revenue.queryOptions({ ...range, currency }),
    placeholderData: (p) => p,
    refetchInterval: live ? 3000 : false,
  });
  if (!revenue.data) return null;
  return (
    <RevenueChart
      data={revenue.data.data}
      currency={currency}
      testId={`chart-revenue-${currency}`}
      onDayClick={onDayClick}
      csvFile={csvFile}
    />
  );
}
