'use client';

import { useMemo } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { count, money, percent } from '@/lib/client/format';
import { rangeQuery, useRangeParams } from '@/lib/client/use-range-params';
import { Card, CardContent } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/common/states';
import { AnalyticsHeader } from './analytics-header';
import { CsvButton } from './csv-button';
import { orderCurrencies } from '@/server/domain/contracts';

type Row = RouterOutputs['analytics']['products']['data'][number];
type Money = Row['revenue'];
const columns = [
  { key: 'name', label: 'Product' },
  { key: 'unitsSold', label: 'Units sold' },
  { key: 'revenue', label: 'Revenue' },
  { key: 'refunds', label: 'Refunds' },
  { key: 'completedOrders', label: 'Completed orders' },
  { key: 'cancellationRate', label: 'Cancellation rate' },
  { key: 'onHand', label: 'Stock on hand' },
  { key: 'daysOfStockLeft', label: 'Days of stock left' },
] as const;
type SortKey = (typeof columns)[number]['key'];

/** Amounts per currency, each with its own symbol; never added across currencies. */
export const moneyList = (m: Money) => (m.length ? m.map((x) => money(x.cents, x.currency)).join(' · ') : '—');
const amountIn = (m: Money, c: string) => m.find((x) => x.currency === c)?.cents ?? 0;

/** Every product with what it sold in the range; sortable, exportable, each opening its own chart. */
export function ProductsView() {
  const trpc = useTRPC();
  const { range, setRange, params, update } = useRangeParams(30);
  const products = useQuery({ ...trpc.analytics.products.queryOptions(range), placeholderData: (p) => p, refetchInterval: 10_000 });
  const sortParam = params.get('sort') ?? 'revenue';
  const sort: SortKey = (columns.some((c) => c.key === sortParam) ? sortParam : 'revenue') as SortKey;
  const desc = params.get('dir') !== 'asc';
  const data = products.data?.data;
  const currencies = useMemo(
    () => orderCurrencies([...new Set((data ?? []).flatMap((p) => [...p.revenue, ...p.refunds].map((m) => m.currency)))]),
    [data],
  );

  const rows = useMemo(() => {
    // Money sorts by the amount in each currency in turn (home currency first), never by a sum across them.
    const key = (r: Row): (number | string)[] => {
      switch (sort) {
        case 'name':
          return [r.name.toLowerCase()];
        case 'revenue':
        case 'refunds':
          return currencies.map((c) => amountIn(r[sort], c));
        case 'cancellationRate':
          return [r.cancellationRate ?? -1];
        case 'daysOfStockLeft':
          return [r.daysOfStockLeft ?? Number.MAX_SAFE_INTEGER];
        default:
          return [r[sort]];
      }
    };
    const cmp = (a: Row, b: Row) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) {
        const x = ka[i]!;
        const y = kb[i]!;
        if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
      }
      return a.name.localeCompare(b.name);
    };
    return [...(data ?? [])].sort(cmp);
  }, [data, sort, desc, currencies]);

  const header = [
    'product_id',
    'sku',
    'name',
    'units_sold',
    ...currencies.map((c) => `revenue_cents_${c}`),
    ...currencies.map((c) => `refunds_cents_${c}`),
    'completed_orders',
    'cancelled_orders',
    'cancellation_rate',
    'stock_on_hand',
    'days_of_stock_left',
  ];
  const csvRows = rows.map((r) => [
    r.productId,
    r.sku,
    r.name,
    r.unitsSold,
    ...currencies.map((c) => amountIn(r.revenue, c)),
    ...currencies.map((c) => amountIn(r.refunds, c)),
    r.completedOrders,
    r.cancelledOrders,
    r.cancellationRate,
    r.onHand,
    r.daysOfStockLeft,
  ]);

  return (
    <>
      <AnalyticsHeader
        title="Products"
        description="Sales per product in the range; stock left at the last 14 days' sales rate."
        range={range}
        onRange={setRange}
        actions={
          <CsvButton
            label="Download CSV"
            filename={`ledgerline-products-${range.from}-to-${range.to}.csv`}
            header={header}
            rows={csvRows}
            disabled={!data}
          />
        }
      />
      <Card className="mt-6">
        <CardContent className="pt-4">
          {products.isError ? (
            <ErrorState error={products.error} onRetry={() => products.refetch()} />
          ) : !data ? (
            <LoadingBlock rows={8} label="Loading products…" />
          ) : rows.length === 0 ? (
            <EmptyState title="No products yet" />
          ) : (
            <Table data-testid="products-analytics-table" aria-busy={products.isPlaceholderData || undefined}>
              <TableHeader>
                <TableRow>
                  {columns.map((c) => (
                    <TableHead key={c.key} aria-sort={sort === c.key ? (desc ? 'descending' : 'ascending') : 'none'}>
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 hover:text-foreground"
                        onClick={() => update({ sort: c.key, dir: sort === c.key && desc ? 'asc' : undefined })}
                      >
                        {c.label}
                        {sort === c.key ? (
                          desc ? (
                            <ArrowDown className="size-3" aria-hidden="true" />
                          ) : (
                            <ArrowUp className="size-3" aria-hidden="true" />
                          )
                        ) : null}
                      </button>
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.productId} data-testid={`product-row-${r.sku}`}>
                    <TableCell>
                      <Link
                        href={`/analytics/products/${r.productId}?${rangeQuery(range)}`}
                        className="font-medium underline-offset-4 hover:underline"
                      >
                        {r.name}
                      </Link>
                      <div className="text-xs text-muted-foreground">{r.sku}</div>
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="unitsSold">
                      {count(r.unitsSold)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="revenue">
                      {moneyList(r.revenue)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="refunds">
                      {moneyList(r.refunds)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="completedOrders">
                      {count(r.completedOrders)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="cancellationRate">
                      {percent(r.cancellationRate)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="onHand">
                      {count(r.onHand)}
                    </TableCell>
                    <TableCell className="tabular-nums" data-col="daysOfStockLeft">
                      {r.daysOfStockLeft === null ? '—' : count(r.daysOfStockLeft)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
