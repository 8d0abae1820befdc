'use client';

import { count } from '@/lib/client/format';
import { KpiTile, KpiTiles, kpisOf, type Kpi } from '@/components/analytics/kpi-tile';

type Report = { period: { from: string; to: string }; previous: { from: string; to: string }; kpis: Kpi[] };

/**
 * The dashboard's KPIs, each with its change against the previous period of the same length (for
 * "today": yesterday) and a sparkline. Money KPIs come once per currency in the range, and their
 * captions speak of that currency's orders only (`todayByCurrency`: dashboard.summary's
 * `today.byCurrency`); the order counts of the other tiles are of every currency.
 */
export function KpiCards({
  period,
  today,
  todayByCurrency,
  compare,
}: {
  period: Report;
  today: Report;
  todayByCurrency: { currency: string; completedOrders: number }[];
  compare: boolean;
}) {
  const completedToday = (k: Kpi) => todayByCurrency.find((c) => c.currency === k.currency)?.completedOrders ?? 0;
  const one = (r: Report, key: Kpi['key']) => kpisOf(r.kpis, key)[0];
  const placed = one(period, 'placedOrders');
  const completed = one(period, 'completedOrders');
  const cancelled = one(period, 'cancelledOrders');
  const users = one(period, 'newUsers');
  const rate = one(period, 'cancellationRate');
  const range = `${period.period.from} – ${period.period.to}`;
  const against = compare ? ` · vs ${period.previous.from} – ${period.previous.to}` : '';
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
      <KpiTiles
        testId="kpi-revenue-today"
        label="Revenue today"
        kpis={kpisOf(today.kpis, 'revenue')}
        compare={compare}
        detail={(k) =>
          `${count(completedToday(k))} completed ${k.currency} ${completedToday(k) === 1 ? 'order' : 'orders'} today · vs yesterday`
        }
      />
      <KpiTiles
        testId="kpi-revenue-period"
        label="Revenue in range"
        kpis={kpisOf(period.kpis, 'revenue')}
        compare={compare}
        detail={range + against}
      />
      {placed ? (
        <KpiTile
          testId="kpi-orders"
          label="Orders"
          kpi={placed}
          compare={compare}
          detail={`${count(completed?.current ?? 0)} completed · ${count(one(today, 'placedOrders')?.current ?? 0)} placed today`}
        />
      ) : null}
      <KpiTiles
        testId="kpi-avg-order-value"
        label="Average order value"
        kpis={kpisOf(period.kpis, 'avgOrderValue')}
        compare={compare}
        detail={(k) => `Completed ${k.currency} orders in range`}
      />
      {users ? (
        <KpiTile
          testId="kpi-new-users"
          label="New users"
          kpi={users}
          compare={compare}
          detail={`${count(one(today, 'newUsers')?.current ?? 0)} today`}
        />
      ) : null}
      {rate ? (
        <KpiTile
          testId="kpi-cancellation-rate"
          label="Cancellation rate"
          kpi={rate}
          compare={compare}
          detail={`${count(cancelled?.current ?? 0)} cancelled in range`}
        />
      ) : null}
    </div>
  );
}
