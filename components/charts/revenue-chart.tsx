'use client';

import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { money } from '@/lib/format';
import { ChartCard, chartColors, dayTick, moneyTick } from './chart-card';

export function RevenueChart({ data, testId = 'chart-revenue' }: { data: { day: string; revenueCents: number }[]; testId?: string }) {
  const points = data.map((d) => ({ day: d.day, revenue: d.revenueCents / 100 }));
  return (
    <ChartCard title="Daily revenue" description="Completed orders, by the day they completed" testId={testId} empty={points.length === 0}>
      <AreaChart responsive style={{ width: '100%', height: 240 }} data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
        <YAxis tickFormatter={moneyTick} stroke={chartColors.axis} fontSize={12} width={56} />
        <Tooltip formatter={(v) => [money(Math.round(Number(v) * 100)), 'Revenue']} />
        <Area type="monotone" dataKey="revenue" stroke={chartColors.primary} fill={chartColors.primary} fillOpacity={0.15} isAnimationActive={false} />
      </AreaChart>
    </ChartCard>
  );
}
