'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC } from '@/lib/client/trpc';
import { count, money, percent } from '@/lib/client/format';
import { rangeQuery, useRangeParams } from '@/lib/client/use-range-params';
import { Card } from '@/components/ui/card';
import { ChartCard, chartColors, dayTick } from '@/components/charts/chart-card';
import { ErrorState, LoadingBlock } from '@/components/common/states';
import { AnalyticsHeader } from './analytics-header';
import { CsvButton } from './csv-button';
import { moneyList } from './products-view';

function Stat({ label, value, testId, href }: { label: string; value: string; testId: string; href?: string }) {
  return (
    <Card className="grid gap-1 p-4" data-testid={testId}>
      <p className="text-sm font-medium text-muted-foreground">{label}</p>
      {href ? (
        <Link href={href} className="text-xl font-semibold tabular-nums underline-offset-4 hover:underline" data-testid={`${testId}-value`}>
          {value}
        </Link>
      ) : (
        <p className="text-xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
          {value}
        </p>
      )}
    </Card>
  );
}

/** One product day by day: units sold (click a day for its orders), with its totals for the range. */
export function ProductView({ productId }: { productId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { range, setRange } = useRangeParams(30);
  const history = useQuery({ ...trpc.analytics.productDaily.queryOptions({ ...range, productId }), placeholderData: (p) => p });
  const totals = useQuery({
    ...trpc.analytics.products.queryOptions(range),
    placeholderData: (p) => p,
    select: (a) => a.data.find((p) => p.productId === productId),
  });
  const data = history.data?.data;
  const row = totals.data;
  const name = data?.product?.name ?? 'Product';
  const ordersHref = (r: { from: string; to: string }) => `/orders?${rangeQuery(r, { productId, on: 'completed', status: 'completed' })}`;

  return (
    <>
      <AnalyticsHeader
        title={name}
        description={data?.product ? `${data.product.sku} · sales by the day orders completed (UTC)` : 'Sales by day'}
        range={range}
        onRange={setRange}
        actions={
          data ? (
            <CsvButton
              label="Download CSV"
              filename={`ledgerline-product-${data.product?.sku ?? productId}-${range.from}-to-${range.to}.csv`}
              header={['day', 'units_sold', 'completed_orders', 'cancelled_orders', ...data.currencies.map((c) => `revenue_cents_${c}`)]}
              rows={data.days.map((d) => [
                d.day,
                d.unitsSold,
                d.completedOrders,
                d.cancelledOrders,
                ...data.currencies.map((c) => d.revenue[c] ?? 0),
              ])}
            />
          ) : null
        }
      />
      {history.isError ? (
        <ErrorState error={history.error} onRetry={() => history.refetch()} />
      ) : !data ? (
        <LoadingBlock rows={6} label="Loading the product…" />
      ) : !data.product ? (
        <ErrorState error={new Error('No such product in the catalog')} title="Not found" />
      ) : (
        <div className="mt-6 grid gap-4">
          {row ? (
            <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
              <Stat testId="product-units" label="Units sold" value={count(row.unitsSold)} />
              <Stat testId="product-orders" label="Completed orders" value={count(row.completedOrders)} href={ordersHref(range)} />
              <Stat testId="product-revenue" label="Revenue" value={moneyList(row.revenue)} />
              <Stat testId="product-cancellation" label="Cancellation rate" value={percent(row.cancellationRate)} />
              <Stat
                testId="product-stock"
                label="Stock on hand · days left"
                value={`${count(row.onHand)} · ${row.daysOfStockLeft === null ? '—' : count(row.daysOfStockLeft)}`}
              />
            </div>
          ) : null}
          <ChartCard
            title="Units sold per day"
            description="Completed orders · click a day for its orders"
            testId="chart-product-units"
            empty={!data.days.some((d) => d.unitsSold > 0)}
          >
            <BarChart responsive style={{ width: '100%', height: 260 }} data={data.days} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid stroke={chartColors.grid} vertical={false} />
              <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
              <YAxis allowDecimals={false} stroke={chartColors.axis} fontSize={12} width={40} />
              <Tooltip
                formatter={(v, _k, item) => {
                  const d = item?.payload as (typeof data.days)[number] | undefined;
                  const revenue = d
                    ? Object.entries(d.revenue)
                        .map(([c, cents]) => money(cents, c))
                        .join(' · ')
                    : '';
                  return [`${v} units · ${d?.completedOrders ?? 0} orders${revenue ? ` · ${revenue}` : ''}`, 'Sold'];
                }}
              />
              <Bar
                dataKey="unitsSold"
                fill={chartColors.primary}
                radius={[3, 3, 0, 0]}
                isAnimationActive={false}
                style={{ cursor: 'pointer' }}
                onClick={(_d, i) => {
                  const day = data.days[i]?.day;
                  if (day) router.push(ordersHref({ from: day, to: day }));
                }}
              />
            </BarChart>
          </ChartCard>
        </div>
      )}
    </>
  );
}
