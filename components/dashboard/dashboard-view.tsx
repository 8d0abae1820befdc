'use client';

import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { dateTime } from '@/lib/client/format';
import { rangeQuery, useRangeParams } from '@/lib/client/use-range-params';
import { PageHeader } from '@/components/common/page-header';
import { DateRangePicker } from '@/components/common/date-range';
import { ErrorState, LoadingBlock } from '@/components/common/states';
import { CompareToggle } from '@/components/analytics/compare-toggle';
import { RevenueChart } from '@/components/charts/revenue-chart';
import { RegistrationsChart } from '@/components/charts/registrations-chart';
import { StatusChart } from '@/components/charts/status-chart';
import { TopProductsChart } from '@/components/charts/top-products-chart';
import { CurrencyRevenueChart } from '@/components/analytics/currency-revenue-chart';
import { KpiCards } from './kpi-cards';

const live = { refetchInterval: 3000, refetchIntervalInBackground: false } as const;

/**
 * The live dashboard: polls every 3 s so new orders and users show up without a reload. The range
 * and comparison live in the URL; a chart's day, bar or product opens exactly what it counted.
 */
export function DashboardView() {
  const trpc = useTRPC();
  const router = useRouter();
  const { range, setRange, compare, setCompare } = useRangeParams(30);
  const summary = useQuery({
    ...trpc.dashboard.summary.queryOptions({ from: range.from, to: range.to }),
    ...live,
    placeholderData: (prev) => prev,
  });
  const kpis = useQuery({ ...trpc.analytics.kpis.queryOptions(range), ...live, placeholderData: (prev) => prev });
  const today = useQuery({ ...trpc.analytics.dayKpis.queryOptions({}), ...live, placeholderData: (prev) => prev });
  const drill = (currency: string) => (day: string) =>
    router.push(`/orders?${rangeQuery({ from: day, to: day }, { on: 'completed', status: 'completed', currency })}`);
  const data = summary.data?.data;
  // One chart per currency of the range: amounts in different currencies are never added or ranked together.
  const currencies = data?.currencies ?? [];
  const topIn = (c: string) => (data?.topProducts ?? []).filter((p) => p.currency === c);
  const error = summary.error ?? kpis.error ?? today.error;
  const file = (name: string) => `ledgerline-dashboard-${name}-${range.from}-to-${range.to}.csv`;
  const busy = summary.isPlaceholderData || kpis.isPlaceholderData;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={summary.dataUpdatedAt ? `Live · updated ${dateTime(new Date(summary.dataUpdatedAt))}` : 'Live'}
        actions={
          <div className="flex flex-wrap items-end gap-3">
            <DateRangePicker value={range} onChange={setRange} />
            <CompareToggle value={compare} onChange={setCompare} />
          </div>
        }
      />
      {error && !(data && kpis.data && today.data) ? (
        <ErrorState
          error={error}
          onRetry={() => {
            void summary.refetch();
            void kpis.refetch();
            void today.refetch();
          }}
        />
      ) : !data || !kpis.data || !today.data ? (
        <LoadingBlock rows={6} label="Loading the dashboard…" />
      ) : (
        <div className="grid gap-6" aria-busy={busy || undefined}>
          {error ? <ErrorState error={error} title="Live updates paused" /> : null}
          <KpiCards
            period={kpis.data.data}
            today={today.data.data}
            todayByCurrency={data.today.byCurrency}
            compare={compare === 'previous'}
          />
          <div className="grid gap-4 lg:grid-cols-2">
            {currencies.map((c) =>
              c === data.currency ? (
                <RevenueChart key={c} data={data.revenue} currency={c} onDayClick={drill(c)} csvFile={file(`revenue-${c}`)} />
              ) : (
                <CurrencyRevenueChart key={c} range={range} currency={c} onDayClick={drill(c)} live csvFile={file(`revenue-${c}`)} />
              ),
            )}
            <RegistrationsChart data={data.registrations} csvFile={file('registrations')} />
            <StatusChart
              data={data.ordersByStatus}
              onStatusClick={(status) => router.push(`/orders?${rangeQuery(range, { status })}`)}
              csvFile={file('orders-by-status')}
            />
            {currencies.map((c) => (
              <TopProductsChart
                key={`top-${c}`}
                data={topIn(c)}
                currency={c}
                testId={c === data.currency ? 'chart-top-products' : `chart-top-products-${c}`}
                onProductClick={(id) => router.push(`/analytics/products/${id}?${rangeQuery(range)}`)}
                csvFile={file(`top-products-${c}`)}
              />
            ))}
          </div>
        </div>
      )}
    </>
  );
}
