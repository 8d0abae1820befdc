'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { money } from '@/lib/client/format';
import { CsvButton } from '@/components/analytics/csv-button';
import { ChartCard, chartColors, moneyTick } from './chart-card';

type Product = { productId: string; name: string; unitsSold: number; revenueCents: number };

/** Best sellers by revenue in one currency; `onProductClick` opens the product's own chart; `csvFile` exports the bars. */
export function TopProductsChart({
  data,
  currency = 'USD',
  testId = 'chart-top-products',
  onProductClick,
  csvFile,
}: {
  data: Product[];
  currency?: string;
  testId?: string;
  onProductClick?: (productId: string) => void;
  csvFile?: string;
}) {
  const points = data.map((p) => ({ name: p.name, revenue: p.revenueCents / 100, units: p.unitsSold }));
  return (
    <ChartCard
      title={`Top products (${currency})`}
      description="By revenue from completed orders"
      testId={testId}
      empty={points.length === 0}
      actions={
        csvFile ? (
          <CsvButton
            filename={csvFile}
            header={['product_id', 'name', 'currency', 'units_sold', 'revenue_cents']}
            rows={data.map((p) => [p.productId, p.name, currency, p.unitsSold, p.revenueCents])}
          />
        ) : null
      }
    >
      <BarChart
        responsive
        layout="vertical"
        style={{ width: '100%', height: Math.max(160, points.length * 34 + 40) }}
        data={points}
        margin={{ top: 4, right: 12, left: 4, bottom: 0 }}
      >
        <CartesianGrid stroke={chartColors.grid} horizontal={false} />
        <XAxis type="number" tickFormatter={(v) => moneyTick(v, currency)} stroke={chartColors.axis} fontSize={12} />
        <YAxis
          type="category"
          dataKey="name"
          width={110}
          stroke={chartColors.axis}
          fontSize={12}
          tickFormatter={(n: string) => (n.length > 16 ? `${n.slice(0, 15)}…` : n)}
        />
        <Tooltip
          formatter={(v, _k, item) => [
            `${money(Math.round(Number(v) * 100), currency)} · ${(item?.payload as { units?: number } | undefined)?.units ?? 0} units`,
            'Revenue',
          ]}
        />
        <Bar
          dataKey="revenue"
          fill={chartColors.primary}
          radius={[0, 3, 3, 0]}
          isAnimationActive={false}
          style={onProductClick ? { cursor: 'pointer' } : undefined}
          onClick={
            onProductClick
              ? (_d, i) => {
                  const p = data[i];
                  if (p) onProductClick(p.productId);
                }
              : undefined
          }
        />
      </BarChart>
    </ChartCard>
  );
}
