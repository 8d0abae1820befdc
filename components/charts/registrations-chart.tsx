'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { CsvButton } from '@/components/analytics/csv-button';
import { ChartCard, chartColors, dayTick } from './chart-card';

/** New users per day; with `csvFile`, a button downloads the very bars drawn. */
export function RegistrationsChart({
  data,
  testId = 'chart-registrations',
  csvFile,
}: {
  data: { day: string; count: number }[];
  testId?: string;
  csvFile?: string;
}) {
  return (
    <ChartCard
      title="Daily registrations"
      description="New users per day"
      testId={testId}
      empty={data.length === 0}
      actions={csvFile ? <CsvButton filename={csvFile} header={['day', 'registrations']} rows={data.map((d) => [d.day, d.count])} /> : null}
    >
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
