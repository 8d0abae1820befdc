'use client';

import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { CsvButton } from '@/components/analytics/csv-button';
import { ChartCard, chartColors } from './chart-card';

const statusColor: Record<string, string> = {
  pending: chartColors.warning,
  paid: chartColors.primary,
  completed: chartColors.success,
  cancelled: chartColors.danger,
};

/** Orders placed in the range by status; `onStatusClick` opens the orders a bar counted; `csvFile` exports the bars. */
export function StatusChart({
  data,
  onStatusClick,
  csvFile,
}: {
  data: { status: string; count: number }[];
  onStatusClick?: (status: string) => void;
  csvFile?: string;
}) {
  return (
    <ChartCard
      title="Orders by status"
      description="Orders placed in the range"
      testId="chart-orders-by-status"
      empty={data.length === 0}
      actions={csvFile ? <CsvButton filename={csvFile} header={['status', 'orders']} rows={data.map((d) => [d.status, d.count])} /> : null}
    >
      <BarChart responsive style={{ width: '100%', height: 240 }} data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="status" stroke={chartColors.axis} fontSize={12} />
        <YAxis allowDecimals={false} stroke={chartColors.axis} fontSize={12} width={40} />
        <Tooltip formatter={(v) => [v, 'Orders']} />
        <Bar
          dataKey="count"
          radius={[3, 3, 0, 0]}
          isAnimationActive={false}
          style={onStatusClick ? { cursor: 'pointer' } : undefined}
          onClick={
            onStatusClick
              ? (_d, i) => {
                  const s = data[i]?.status;
                  if (s) onStatusClick(s);
                }
              : undefined
          }
        >
          {data.map((d) => (
            <Cell key={d.status} fill={statusColor[d.status] ?? chartColors.primary} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}
