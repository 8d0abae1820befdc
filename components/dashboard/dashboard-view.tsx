'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { dateTime } from '@/lib/format';
import { PageHeader } from '@/components/common/page-header';
import { DateRangePicker, lastDays, type DayRange } from '@/components/common/date-range';
import { ErrorState, LoadingBlock } from '@/components/common/states';
import { RevenueChart } from '@/components/charts/revenue-chart';
import { RegistrationsChart } from '@/components/charts/registrations-chart';
import { StatusChart } from '@/components/charts/status-chart';
import { TopProductsChart } from '@/components/charts/top-products-chart';
import { KpiCards } from './kpi-cards';

/** The live dashboard: polls every 3 s so new orders and users show up without a reload. */
export function DashboardView() {
  const trpc = useTRPC();
  const [range, setRange] = useState<DayRange>(() => lastDays(30));
  const summary = useQuery({
    ...trpc.dashboard.summary.queryOptions({ from: range.from, to: range.to }),
    refetchInterval: 3000,
    refetchIntervalInBackground: false,
    placeholderData: (prev) => prev,
  });
  const data = summary.data?.data;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={summary.dataUpdatedAt ? `Live · updated ${dateTime(new Date(summary.dataUpdatedAt))}` : 'Live'}
        actions={<DateRangePicker value={range} onChange={setRange} />}
      />
      {summary.isError && !data ? (
        <ErrorState error={summary.error} onRetry={() => summary.refetch()} />
      ) : !data ? (
        <LoadingBlock rows={6} label="Loading the dashboard…" />
      ) : (
        <div className="grid gap-6" aria-busy={summary.isPlaceholderData || undefined}>
          {summary.isError ? <ErrorState error={summary.error} title="Live updates paused" /> : null}
          <KpiCards summary={data} />
          <div className="grid gap-4 lg:grid-cols-2">
            <RevenueChart data={data.revenue} />
            <RegistrationsChart data={data.registrations} />
            <StatusChart data={data.ordersByStatus} />
            <TopProductsChart data={data.topProducts} />
          </div>
        </div>
      )}
    </>
  );
}
