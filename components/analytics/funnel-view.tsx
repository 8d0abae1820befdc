'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC } from '@/lib/client/trpc';
import { count, percent, seconds } from '@/lib/client/format';
import { rangeQuery, useRangeParams } from '@/lib/client/use-range-params';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ChartCard, chartColors, dayTick } from '@/components/charts/chart-card';
import { QueryStates } from '@/components/common/states';
import { AnalyticsHeader } from './analytics-header';
import { CsvButton } from './csv-button';

const stepLabel = { placed: 'Placed', paid: 'Paid', reserved: 'Stock reserved', completed: 'Completed' } as const;
const reasons = [
  { key: 'payment_failed', label: 'Payment declined', color: chartColors.danger },
  { key: 'out_of_stock', label: 'Out of stock', color: chartColors.warning },
  { key: 'payment_timeout', label: 'Payment timeout', color: chartColors.primary },
  { key: 'other', label: 'Other', color: chartColors.axis },
] as const;

/** The order funnel of orders placed in the range, cancel reasons per day, and placed → completed times. */
export function FunnelView() {
  const trpc = useTRPC();
  const router = useRouter();
  const { range, setRange } = useRangeParams(30);
  const funnel = useQuery({ ...trpc.analytics.funnel.queryOptions(range), placeholderData: (p) => p, refetchInterval: 10_000 });
  const data = funnel.data?.data;
  const file = (name: string) => `ledgerline-${name}-${range.from}-to-${range.to}.csv`;
  // Placed and completed are order states, so they drill down exactly; paid and reserved are moments the summary does not filter on.
  const stepLink = (step: string) =>
    step === 'placed'
      ? `/orders?${rangeQuery(range)}`
      : step === 'completed'
        ? `/orders?${rangeQuery(range, { status: 'completed' })}`
        : null;

  return (
    <>
      <AnalyticsHeader
        title="Analytics"
        description="The order funnel and the saga's timing, from the event log (days in UTC)."
        range={range}
        onRange={setRange}
      />
      <QueryStates query={funnel} data={data} loading={{ rows: 6, label: 'Loading the funnel…' }}>
        {(data) => (
          <div className="mt-6 grid gap-4" aria-busy={funnel.isPlaceholderData || undefined}>
            <Card data-testid="funnel" aria-label="Order funnel">
              <CardHeader className="flex-row items-start justify-between gap-2">
                <div className="grid gap-1">
                  <CardTitle>Order funnel</CardTitle>
                  <CardDescription>
                    Orders placed {range.from} – {range.to} and how far each got
                  </CardDescription>
                </div>
                <CsvButton
                  filename={file('funnel')}
                  header={['step', 'orders', 'share_of_placed', 'dropped', 'drop_rate']}
                  rows={data.steps.map((s) => [s.step, s.orders, s.shareOfPlaced, s.dropped, s.dropRate])}
                />
              </CardHeader>
              <CardContent>
                <ol className="grid gap-3">
                  {data.steps.map((s, i) => {
                    const href = stepLink(s.step);
                    return (
                      <li key={s.step} data-testid={`funnel-step-${s.step}`} className="grid gap-1">
                        <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                          <span className="font-medium">{stepLabel[s.step]}</span>
                          <span className="tabular-nums">
                            {href ? (
                              <Link
                                href={href}
                                className="font-semibold underline-offset-4 hover:underline"
                                data-testid={`funnel-step-${s.step}-orders`}
                              >
                                {count(s.orders)}
                              </Link>
                            ) : (
                              <span className="font-semibold" data-testid={`funnel-step-${s.step}-orders`}>
                                {count(s.orders)}
                              </span>
                            )}
                            <span className="text-muted-foreground"> · {percent(s.shareOfPlaced)} of placed</span>
                            {i > 0 ? (
                              <span className="text-red-700 dark:text-red-400" data-testid={`funnel-step-${s.step}-drop`}>
                                {' '}
                                · −{count(s.dropped)} ({percent(s.dropRate)})
                              </span>
                            ) : null}
                          </span>
                        </div>
                        <div className="h-3 rounded bg-muted" aria-hidden="true">
                          <div className="h-3 rounded bg-primary" style={{ width: `${Math.round((s.shareOfPlaced ?? 0) * 1000) / 10}%` }} />
                        </div>
                      </li>
                    );
                  })}
                </ol>
              </CardContent>
            </Card>
            <div className="grid gap-4 lg:grid-cols-2">
              <ChartCard
                title="Cancellations by reason"
                description="Orders cancelled per day · click a bar for its orders"
                testId="chart-cancellations"
                empty={!data.cancellations.some((d) => d.payment_failed + d.out_of_stock + d.payment_timeout + d.other > 0)}
                actions={
                  <CsvButton
                    filename={file('cancellations')}
                    header={['day', ...reasons.map((r) => r.key)]}
                    rows={data.cancellations.map((d) => [d.day, ...reasons.map((r) => d[r.key])])}
                  />
                }
              >
                <BarChart
                  responsive
                  style={{ width: '100%', height: 260 }}
                  data={data.cancellations}
                  margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
                >
                  <CartesianGrid stroke={chartColors.grid} vertical={false} />
                  <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
                  <YAxis allowDecimals={false} stroke={chartColors.axis} fontSize={12} width={40} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  {reasons.map((r) => (
                    <Bar
                      key={r.key}
                      dataKey={r.key}
                      name={r.label}
                      stackId="reasons"
                      fill={r.color}
                      isAnimationActive={false}
                      style={{ cursor: r.key === 'other' ? undefined : 'pointer' }}
                      onClick={
                        r.key === 'other'
                          ? undefined
                          : (_d, i) => {
                              const day = data.cancellations[i]?.day;
                              if (day)
                                router.push(
                                  `/orders?${rangeQuery({ from: day, to: day }, { on: 'cancelled', status: 'cancelled', cancelReason: r.key })}`,
                                );
                            }
                      }
                    />
                  ))}
                </BarChart>
              </ChartCard>
              <ChartCard
                title="Placed → completed"
                description="p50 and p95 per day, for orders completed that day"
                testId="chart-saga-timing"
                empty={!data.timing.some((d) => d.completed > 0)}
                actions={
                  <CsvButton
                    filename={file('saga-timing')}
                    header={['day', 'completed_orders', 'p50_seconds', 'p95_seconds']}
                    rows={data.timing.map((d) => [d.day, d.completed, d.p50Seconds, d.p95Seconds])}
                  />
                }
              >
                <LineChart
                  responsive
                  style={{ width: '100%', height: 260 }}
                  data={data.timing}
                  margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
                >
                  <CartesianGrid stroke={chartColors.grid} vertical={false} />
                  <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
                  <YAxis tickFormatter={(v: number) => seconds(v)} stroke={chartColors.axis} fontSize={12} width={56} />
                  <Tooltip formatter={(v, name) => [seconds(Number(v)), name]} />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Line
                    type="monotone"
                    dataKey="p50Seconds"
                    name="p50"
                    stroke={chartColors.primary}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                  <Line
                    type="monotone"
                    dataKey="p95Seconds"
                    name="p95"
                    stroke={chartColors.warning}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                </LineChart>
              </ChartCard>
            </div>
          </div>
        )}
      </QueryStates>
    </>
  );
}
