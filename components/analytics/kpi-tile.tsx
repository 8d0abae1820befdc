'use client';

import { Card } from '@/components/ui/card';
import { count, money, percent } from '@/lib/client/format';
import type { RouterOutputs } from '@/lib/client/trpc';
import { Delta } from './delta';
import { Sparkline } from './sparkline';
import { orderCurrencies } from '@/server/domain/contracts';

export type Kpi = RouterOutputs['analytics']['kpis']['data']['kpis'][number];
export type KpiKey = Kpi['key'];

const meta: Record<KpiKey, { label: string; kind: 'money' | 'count' | 'rate'; goodWhenUp: boolean }> = {
  revenue: { label: 'Revenue', kind: 'money', goodWhenUp: true },
  avgOrderValue: { label: 'Average order value', kind: 'money', goodWhenUp: true },
  refunded: { label: 'Refunded', kind: 'money', goodWhenUp: false },
  placedOrders: { label: 'Orders placed', kind: 'count', goodWhenUp: true },
  completedOrders: { label: 'Orders completed', kind: 'count', goodWhenUp: true },
  cancelledOrders: { label: 'Orders cancelled', kind: 'count', goodWhenUp: false },
  cancellationRate: { label: 'Cancellation rate', kind: 'rate', goodWhenUp: false },
  newUsers: { label: 'New users', kind: 'count', goodWhenUp: true },
};

/** A KPI's value as shown: money with its currency, counts, rates as percentages. */
export function formatKpi(k: Pick<Kpi, 'key' | 'currency'>, n: number): string {
  const kind = meta[k.key].kind;
  return kind === 'money' ? money(n, k.currency ?? 'USD') : kind === 'rate' ? percent(n) : count(n);
}
/** A change of a rate is in percentage points, not a percentage of a percentage. */
const formatChange = (k: Kpi) => (n: number) => (meta[k.key].kind === 'rate' ? `${(n * 100).toFixed(1)} pp` : formatKpi(k, n));

export const kpiLabel = (k: Pick<Kpi, 'key' | 'currency'>, label?: string) =>
  `${label ?? meta[k.key].label}${k.currency ? ` (${k.currency})` : ''}`;

/** Every KPI of one key, one per currency for money (never summed across currencies), the home currency first. */
export function kpisOf(kpis: Kpi[] | undefined, key: KpiKey): Kpi[] {
  const of = (kpis ?? []).filter((k) => k.key === key);
  const order = orderCurrencies(of.flatMap((k) => (k.currency ? [k.currency] : [])));
  const rank = (k: Kpi) => (k.currency ? order.indexOf(k.currency) : -1);
  return of.sort((a, b) => rank(a) - rank(b));
}

/** One KPI card: value, change against the previous period (absolute and %), sparkline. */
export function KpiTile({
  kpi,
  testId,
  label,
  detail,
  compare = true,
}: {
  kpi: Kpi;
  testId: string;
  label?: string;
  detail?: string;
  compare?: boolean;
}) {
  const title = kpiLabel(kpi, label);
  return (
    <Card data-testid={testId} data-currency={kpi.currency ?? undefined} aria-label={title} className="grid gap-1 p-4">
      <p className="text-sm font-medium text-muted-foreground">{title}</p>
      <p className="text-2xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
        {formatKpi(kpi, kpi.current)}
      </p>
      {compare ? (
        <Delta
          testId={`${testId}-delta`}
          change={kpi.change}
          changeRate={kpi.changeRate}
          format={formatChange(kpi)}
          goodWhenUp={meta[kpi.key].goodWhenUp}
        />
      ) : null}
      {detail ? <p className="text-xs text-muted-foreground">{detail}</p> : null}
      <Sparkline values={kpi.series} label={title} />
    </Card>
  );
}

/**
 * Tiles for every currency of a money KPI: the first keeps `testId`, the others add their currency.
 * A `detail` given as a function is written per tile, so a caption can speak of that currency only.
 */
export function KpiTiles({
  kpis,
  testId,
  detail,
  ...rest
}: {
  kpis: Kpi[];
  testId: string;
  label?: string;
  detail?: string | ((kpi: Kpi) => string);
  compare?: boolean;
}) {
  return kpis.map((k, i) => (
    <KpiTile
      key={`${k.key}/${k.currency}`}
      kpi={k}
      testId={i === 0 ? testId : `${testId}-${k.currency}`}
      detail={typeof detail === 'function' ? detail(k) : detail}
      {...rest}
    />
  ));
}
