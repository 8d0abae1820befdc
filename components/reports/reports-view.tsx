'use client';

import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { downloadCsv } from '@/lib/client/csv';
import { rangeQuery, useRangeParams } from '@/lib/client/use-range-params';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { PageHeader } from '@/components/common/page-header';
import { DateRangePicker } from '@/components/common/date-range';
import { ErrorState, LoadingBlock } from '@/components/common/states';
import { RevenueChart } from '@/components/charts/revenue-chart';
import { RegistrationsChart } from '@/components/charts/registrations-chart';
import { CompareToggle } from '@/components/analytics/compare-toggle';
import { KpiTile, KpiTiles, kpisOf } from '@/components/analytics/kpi-tile';
import { orderCurrencies } from '@/server/domain/contracts';
import { reportCsv } from './report-csv';

/** Revenue and registrations for a range kept in the URL, KPIs against the previous period, one currency per chart. */
export function ReportsView() {
  const trpc = useTRPC();
  const router = useRouter();
  const { range, setRange, compare, setCompare, params, update } = useRangeParams(30);
  const kpis = useQuery({ ...trpc.analytics.kpis.queryOptions(range), placeholderData: (p) => p });
  const currencies = orderCurrencies(kpis.data?.data.currencies ?? ['USD']);
  const wanted = params.get('currency');
  const currency = wanted && currencies.includes(wanted) ? wanted : (currencies[0] ?? 'USD');
  const revenue = useQuery({ ...trpc.reports.revenue.queryOptions({ ...range, currency }), placeholderData: (p) => p });
  const registrations = useQuery({ ...trpc.reports.dailyRegistrations.queryOptions(range), placeholderData: (p) => p });
  const rev = revenue.data?.data;
  const regs = registrations.data?.data;
  const k = kpis.data?.data;
  const ready = Boolean(rev && regs && k) && !revenue.isPlaceholderData && !registrations.isPlaceholderData && !kpis.isPlaceholderData;
  const error = revenue.error ?? registrations.error ?? kpis.error;
  const on = compare === 'previous';
  const first = (key: Parameters<typeof kpisOf>[1]) => kpisOf(k?.kpis, key)[0];
  const file = (name: string) => `ledgerline-${name}-${range.from}-to-${range.to}.csv`;

  return (
    <>
      <PageHeader
        title="Reports"
        description="Revenue and registrations for any range of days (UTC), against the previous period of the same length."
        actions={
          <Button
            disabled={!ready}
            onClick={() =>
              rev && regs && downloadCsv(`ledgerline-report-${currency}-${range.from}-to-${range.to}.csv`, reportCsv(rev, regs))
            }
          >
            <Download aria-hidden="true" /> Download CSV
          </Button>
        }
      />
      <div className="flex flex-wrap items-end gap-3">
        <DateRangePicker value={range} onChange={setRange} presets={[7, 30, 90, 365]} />
        <CompareToggle value={compare} onChange={setCompare} />
        {currencies.length > 1 ? (
          <Field label="Currency of the charts" htmlFor="report-currency">
            <Select id="report-currency" className="w-32" value={currency} onChange={(e) => update({ currency: e.target.value })}>
              {currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
      </div>
      {error ? (
        <ErrorState
          error={error}
          onRetry={() => {
            void revenue.refetch();
            void registrations.refetch();
            void kpis.refetch();
          }}
        />
      ) : !rev || !regs || !k ? (
        <LoadingBlock rows={6} label="Loading reports…" />
      ) : (
        <div className="grid gap-6" aria-busy={!ready || undefined}>
          <section
            aria-label={`Totals for ${range.from} – ${range.to}`}
            data-testid="report-totals"
            className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3"
          >
            <KpiTiles testId="report-kpi-revenue" kpis={kpisOf(k.kpis, 'revenue')} compare={on} />
            {first('completedOrders') ? <KpiTile testId="report-kpi-completed" kpi={first('completedOrders')!} compare={on} /> : null}
            {first('placedOrders') ? <KpiTile testId="report-kpi-placed" kpi={first('placedOrders')!} compare={on} /> : null}
            <KpiTiles testId="report-kpi-avg-order-value" kpis={kpisOf(k.kpis, 'avgOrderValue')} compare={on} />
            <KpiTiles testId="report-kpi-refunded" kpis={kpisOf(k.kpis, 'refunded')} compare={on} />
            {first('newUsers') ? (
              <KpiTile testId="report-kpi-registrations" label="Registrations" kpi={first('newUsers')!} compare={on} />
            ) : null}
          </section>
          <div className="grid gap-4 lg:grid-cols-2">
            <RevenueChart
              data={rev}
              currency={currency}
              testId="chart-report-revenue"
              onDayClick={(day) =>
                router.push(`/orders?${rangeQuery({ from: day, to: day }, { on: 'completed', status: 'completed', currency })}`)
              }
              csvFile={file(`revenue-${currency}`)}
            />
            <RegistrationsChart data={regs} testId="chart-report-registrations" csvFile={file('registrations')} />
          </div>
        </div>
      )}
    </>
  );
}
