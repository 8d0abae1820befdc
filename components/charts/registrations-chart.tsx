'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard, chartColors, dayTick } from './chart-card';

export function RegistrationsChart({ data, testId = 'chart-registrations', actions }: { data: { day: string; count: number }[]; testId?: string; actions?: React.ReactNode }) {
  return (
    <ChartCard title="Daily registrations" description="New users per day" testId={testId} empty={data.length === 0} actions={actions}>
      <BarChart responsive style={{ width: '100%', height: 240 }} data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="day" tickFormatter={dayTick} stroke={chartColors.axis} fontSize={12} minTickGap={16} />
        <YAxis allowDecimals={false} stroke={chartColors.axis} fontSize={12} width={40} />
        <Tooltip formatter={(v) => [v, 'Registrations']} />
        <Bar dataKey="count" fill={chartColors.success} radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
