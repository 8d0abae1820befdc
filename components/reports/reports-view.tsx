'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useTRPC } from '@/lib/trpc';
import { downloadCsv } from '@/lib/csv';
import { count, money } from '@/lib/format';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/common/page-header';
import { DateRangePicker, lastDays, type DayRange } from '@/components/common/date-range';
import { ErrorState, LoadingBlock } from '@/components/common/states';
import { RevenueChart } from '@/components/charts/revenue-chart';
import { RegistrationsChart } from '@/components/charts/registrations-chart';
import { reportCsv } from './report-csv';

export function ReportsView() {
  const trpc = useTRPC();
  const [range, setRange] = useState<DayRange>(() => lastDays(30));
  const revenue = useQuery({ ...trpc.reports.revenue.queryOptions(range), placeholderData: (p) => p });
  const registrations = useQuery({ ...trpc.reports.dailyRegistrations.queryOptions(range), placeholderData: (p) => p });
  const rev = revenue.data?.data;
  const regs = registrations.data?.data;
  const ready = Boolean(rev && regs) && !revenue.isPlaceholderData && !registrations.isPlaceholderData;
  const error = revenue.error ?? registrations.error;

  const totals = rev ? {
    revenue: rev.reduce((a, d) => a + d.revenueCents, 0),
    completed: rev.reduce((a, d) => a + d.completedCount, 0),
    placed: rev.reduce((a, d) => a + d.placedCount, 0),
    refunded: rev.reduce((a, d) => a + d.refundedCents, 0),
    registrations: (regs ?? []).reduce((a, d) => a + d.count, 0),
  } : null;

  return (
    <>
      <PageHeader
        title="Reports"
        description="Revenue and registrations for any range of days (UTC)."
        actions={
          <Button disabled={!ready} onClick={() => rev && regs && downloadCsv(`ledgerline-report-${range.from}-to-${range.to}.csv`, reportCsv(rev, regs))}>
            <Download aria-hidden="true" /> Download CSV
          </Button>
        }
      />
      <DateRangePicker value={range} onChange={setRange} presets={[7, 30, 90, 365]} />
      {error ? (
        <ErrorState error={error} onRetry={() => { void revenue.refetch(); void registrations.refetch(); }} />
      ) : !rev || !regs || !totals ? (
        <LoadingBlock rows={6} label="Loading reports…" />
      ) : (
        <div className="grid gap-6" aria-busy={!ready || undefined}>
          <Card>
            <CardHeader><CardTitle>Totals for {range.from} – {range.to}</CardTitle></CardHeader>
            <CardContent>
              <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5" data-testid="report-totals">
                {([['Revenue', money(totals.revenue)], ['Completed orders', count(totals.completed)], ['Placed orders', count(totals.placed)],
                  ['Refunded', money(totals.refunded)], ['Registrations', count(totals.registrations)]] as const).map(([k, v]) => (
                  <div key={k}><dt className="text-xs text-muted-foreground">{k}</dt><dd className="text-lg font-semibold tabular-nums">{v}</dd></div>
                ))}
              </dl>
            </CardContent>
          </Card>
          <div className="grid gap-4 lg:grid-cols-2">
            <RevenueChart data={rev} testId="chart-report-revenue" />
            <RegistrationsChart data={regs} testId="chart-report-registrations" />
          </div>
        </div>
      )}
    </>
  );
}
