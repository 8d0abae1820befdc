'use client';

import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC } from '@/lib/client/trpc';
import { count, percent } from '@/lib/client/format';
import { useRangeParams } from '@/lib/client/use-range-params';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ChartCard, chartColors, dayTick } from '@/components/charts/chart-card';
import { EmptyState, QueryStates } from '@/components/common/states';
import { AnalyticsHeader } from './analytics-header';
import { CsvButton } from './csv-button';

/** A cell's colour grows with its share (0 → blank, 1 → the full chart colour). */
const shade = (share: number) => ({
  backgroundColor: `color-mix(in oklab, var(--color-chart-1) ${Math.round(Math.min(1, share * 2) * 100)}%, transparent)`,
  color: share >= 0.3 ? 'white' : undefined,
});

/** Retention by registration week, and the repeat-customer rate per week. */
export function CohortsView() {
  const trpc = useTRPC();
  const { range, setRange } = useRangeParams(84);
  const cohorts = useQuery({ ...trpc.analytics.cohorts.queryOptions(range), placeholderData: (p) => p, refetchInterval: 30_000 });
  const data = cohorts.data?.data;
  const file = (name: string) => `ledgerline-${name}-${range.from}-to-${range.to}.csv`;
  const weeks = Array.from({ length: data?.weeks ?? 0 }, (_, i) => i);

  return (
    <>
      <AnalyticsHeader
        title="Cohorts"
        description="Customers by the week they registered (weeks start Monday, UTC)."
        range={range}
        onRange={setRange}
      />
      <QueryStates query={cohorts} data={data} loading={{ rows: 8, label: 'Loading cohorts…' }}>
        {(data) => (
          <div className="mt-6 grid gap-4" aria-busy={cohorts.isPlaceholderData || undefined}>
            <Card data-testid="cohort-grid" aria-label="Retention by registration week">
              <CardHeader className="flex-row items-start justify-between gap-2">
                <div className="grid gap-1">
                  <CardTitle>Retention</CardTitle>
                  <CardDescription>
                    Share of each week&apos;s new customers who completed an order in week N after registering
                  </CardDescription>
                </div>
                <CsvButton
                  filename={file('cohorts')}
                  header={['cohort_week', 'customers', ...weeks.map((w) => `week_${w}_share`), ...weeks.map((w) => `week_${w}_customers`)]}
                  rows={data.cohorts.map((c) => [
                    c.cohortWeek,
                    c.customers,
                    ...weeks.map((w) => c.cells[w]?.share),
                    ...weeks.map((w) => c.cells[w]?.active),
                  ])}
                />
              </CardHeader>
              <CardContent>
                {data.cohorts.length === 0 ? (
                  <EmptyState title="Nobody registered in this range" />
                ) : (
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>Registered (week of)</TableHead>
                        <TableHead>Customers</TableHead>
                        {weeks.map((w) => (
                          <TableHead key={w} className="text-center">
                            Week {w}
                          </TableHead>
                        ))}
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {data.cohorts.map((c) => (
                        <TableRow key={c.cohortWeek}>
                          <TableCell className="tabular-nums">{c.cohortWeek}</TableCell>
                          <TableCell className="tabular-nums">{count(c.customers)}</TableCell>
                          {weeks.map((w) => {
                            const cell = c.cells[w];
                            return cell ? (
                              <TableCell
                                key={w}
                                data-testid={`cohort-cell-${c.cohortWeek}-${w}`}
                                title={`${cell.active} of ${c.customers} customers`}
                                className="text-center tabular-nums"
                                style={shade(cell.share)}
                              >
                                {percent(cell.share)}
                              </TableCell>
                            ) : (
                              <TableCell key={w} />
                            );
                          })}
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                )}
              </CardContent>
            </Card>
            <ChartCard
              title="Repeat-customer rate"
              description="Of the customers who completed an order in a week, the share who had in an earlier week"
              testId="chart-repeat-rate"
              empty={data.repeat.length === 0}
              actions={
                <CsvButton
                  filename={file('repeat-customers')}
                  header={['week', 'buyers', 'repeat_buyers', 'rate']}
                  rows={data.repeat.map((r) => [r.week, r.buyers, r.repeatBuyers, r.rate])}
                />
              }
            >
              <LineChart
                responsive
                style={{ width: '100%', height: 240 }}
                data={data.repeat}
                margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
              >
                <CartesianGrid stroke={chartColors.grid} vertical={false} />
                <XAxis dataKey="week" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
                <YAxis tickFormatter={(v: number) => percent(v)} domain={[0, 1]} stroke={chartColors.axis} fontSize={12} width={48} />
                <Tooltip
                  formatter={(v, _k, item) => {
                    const r = item?.payload as { buyers?: number; repeatBuyers?: number } | undefined;
                    return [`${percent(Number(v))} (${r?.repeatBuyers ?? 0} of ${r?.buyers ?? 0})`, 'Repeat customers'];
                  }}
                />
                <Line type="monotone" dataKey="rate" stroke={chartColors.primary} dot={false} isAnimationActive={false} />
              </LineChart>
            </ChartCard>
          </div>
        )}
      </QueryStates>
    </>
  );
}
