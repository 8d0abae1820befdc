'use client';

import { Line, LineChart, YAxis } from 'recharts';
import { chartColors } from '@/components/charts/chart-card';

/** A tiny trend line of a KPI's daily values (no axes, no animation). */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return null;
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div role="img" aria-label={`${label}: trend over the period`} data-testid="sparkline">
      <LineChart responsive style={{ width: '100%', height: 36 }} data={data} margin={{ top: 2, right: 2, left: 2, bottom: 2 }}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line type="monotone" dataKey="v" stroke={chartColors.primary} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
}
