'use client';

import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { money } from '@/lib/client/format';
import { CsvButton } from '@/components/analytics/csv-button';
import { ChartCard, chartColors, dayTick, moneyTick } from './chart-card';

/**
 * Daily revenue in one currency; `onDayClick` opens what a day counted (the orders completed that day).
 * With `csvFile`, a button downloads the very points drawn.
 */
export function RevenueChart({
  data,
  testId = 'chart-revenue',
  currency = 'USD',
  onDayClick,
  csvFile,
}: {
  data: { day: string; revenueCents: number; completedCount?: number }[];
  testId?: string;
  currency?: string;
  onDayClick?: (day: string) => void;
  csvFile?: string;
}) {
  const points = data.map((d) => ({ day: d.day, revenue: d.revenueCents / 100, orders: d.completedCount }));
  return (
    <ChartCard
      title={`Daily revenue (${currency})`}
      description={`Completed orders, by the day they completed${onDayClick ? ' · click a day for its orders' : ''}`}
      testId={testId}
      empty={points.length === 0}
      actions={
        csvFile ? (
          <CsvButton
            filename={csvFile}
            header={['day', 'currency', 'completed_orders', 'revenue_cents']}
            rows={data.map((d) => [d.day, currency, d.completedCount, d.revenueCents])}
          />
        ) : null
      }
    >
      <AreaChart
        responsive
        style={{ width: '100%', height: 240, cursor: onDayClick ? 'pointer' : undefined }}
        data={points}
        onClick={
          onDayClick
            ? (state) => {
                if (typeof state.activeLabel === 'string') onDayClick(state.activeLabel);
              }
            : undefined
        }
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
        <YAxis tickFormatter={(v) => moneyTick(v, currency)} stroke={chartColors.axis} fontSize={12} width={56} />
        <Tooltip
          formatter={(v, _k, item) => {
            const orders = (item?.payload as { orders?: number } | undefined)?.orders;
            return [`${money(Math.round(Number(v) * 100), currency)}${orders === undefined ? '' : ` · ${orders} orders`}`, 'Revenue'];
          }}
        />
        <Area
          type="monotone"
          dataKey="revenue"
          stroke={chartColors.primary}
          fill={chartColors.primary}
          fillOpacity={0.15}
          isAnimationActive={false}
        />
      </AreaChart>
    </ChartCard>
  );
}
