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
import { CurrencyRevenueChart, orderCurrencies } from '@/components/analytics/currency-revenue-chart';
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
  const summary = useQuery({ ...trpc.dashboard.summary.queryOptions({ from: range.from, to: range.to }), ...live, placeholderData: (prev) => prev });
  const kpis = useQuery({ ...trpc.analytics.kpis.queryOptions(range), ...live, placeholderData: (prev) => prev });
  const today = useQuery({ ...trpc.analytics.dayKpis.queryOptions({}), ...live, placeholderData: (prev) => prev });
  const products = useQuery({ ...trpc.analytics.products.queryOptions(range), ...live, placeholderData: (prev) => prev });
  const currencies = orderCurrencies(kpis.data?.data.currencies ?? ['USD']);
  const main = currencies[0] ?? 'USD';
  const drill = (currency: string) => (day: string) =>
    router.push(`/orders?${rangeQuery({ from: day, to: day }, { on: 'completed', status: 'completed', currency })}`);
  // Best sellers by revenue in the main currency (amounts in different currencies are not comparable).
  const top = (products.data?.data ?? [])
    .map((p) => ({ productId: p.productId, name: p.name, unitsSold: p.unitsSold, revenueCents: p.revenue.find((r) => r.currency === main)?.cents ?? 0 }))
    .filter((p) => p.revenueCents > 0).sort((a, b) => b.revenueCents - a.revenueCents).slice(0, 5);
  const data = summary.data?.data;
  const error = summary.error ?? kpis.error ?? today.error ?? products.error;
  const busy = summary.isPlaceholderData || kpis.isPlaceholderData;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={summary.dataUpdatedAt ? `Live · updated ${dateTime(new Date(summary.dataUpdatedAt))}` : 'Live'}
        actions={<div className="flex flex-wrap items-end gap-3"><DateRangePicker value={range} onChange={setRange} /><CompareToggle value={compare} onChange={setCompare} /></div>}
      />
      {error && !(data && kpis.data && today.data && products.data) ? (
        <ErrorState error={error} onRetry={() => { void summary.refetch(); void kpis.refetch(); void today.refetch(); void products.refetch(); }} />
      ) : !data || !kpis.data || !today.data || !products.data ? (
        <LoadingBlock rows={6} label="Loading the dashboard…" />
      ) : (
        <div className="grid gap-6" aria-busy={busy || undefined}>
          {error ? <ErrorState error={error} title="Live updates paused" /> : null}
          <KpiCards period={kpis.data.data} today={today.data.data} compare={compare === 'previous'} />
          <div className="grid gap-4 lg:grid-cols-2">
            {currencies.map((c) => (c === 'USD'
              ? <RevenueChart key={c} data={data.revenue} onDayClick={drill(c)} />
              : <CurrencyRevenueChart key={c} range={range} currency={c} onDayClick={drill(c)} live />))}
            <RegistrationsChart data={data.registrations} />
            <StatusChart data={data.ordersByStatus} onStatusClick={(status) => router.push(`/orders?${rangeQuery(range, { status })}`)} />
            <TopProductsChart data={top} currency={main} onProductClick={(id) => router.push(`/analytics/products/${id}?${rangeQuery(range)}`)} />
          </div>
        </div>
      )}
    </>
  );
}
