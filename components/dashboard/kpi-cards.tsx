import { Card } from '@/components/ui/card';
import { count, money, percent } from '@/lib/format';
import type { RouterOutputs } from '@/lib/trpc';

type Summary = NonNullable<RouterOutputs['dashboard']['summary']['data']>;

function Kpi({ testId, label, value, detail }: { testId: string; label: string; value: string; detail?: string }) {
  return (
    <Card data-testid={testId} aria-label={label} className="grid gap-1 p-4">
      <p className="text-sm font-medium text-muted-foreground">{label}</p>
      <p className="text-2xl font-semibold tabular-nums" data-testid={`${testId}-value`}>{value}</p>
      {detail ? <p className="text-xs text-muted-foreground">{detail}</p> : null}
    </Card>
  );
}

export function KpiCards({ summary }: { summary: Summary }) {
  const { today, period } = summary;
  const range = `${period.from} – ${period.to}`;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
      <Kpi testId="kpi-revenue-today" label="Revenue today" value={money(today.revenueCents)} detail={`${count(today.completedOrders)} completed orders today`} />
      <Kpi testId="kpi-revenue-period" label="Revenue in range" value={money(period.revenueCents)} detail={range} />
      <Kpi testId="kpi-orders" label="Orders" value={count(period.placedOrders)} detail={`${count(period.completedOrders)} completed · ${count(today.placedOrders)} placed today`} />
      <Kpi testId="kpi-avg-order-value" label="Average order value" value={money(period.avgOrderValueCents)} detail="Completed orders in range" />
      <Kpi testId="kpi-new-users" label="New users" value={count(period.newUsers)} detail={`${count(today.newUsers)} today`} />
      <Kpi testId="kpi-cancellation-rate" label="Cancellation rate" value={percent(period.cancellationRate)} detail={`${count(period.cancelledOrders)} cancelled in range`} />
    </div>
  );
}
