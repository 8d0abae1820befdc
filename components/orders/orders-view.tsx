'use client';

import { useCallback, useMemo } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { X } from 'lucide-react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { useCanCommand } from '@/lib/client/session';
import { isDay } from '@/lib/client/days';
import { Card, CardContent } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { count as formatCount } from '@/lib/client/format';
import { PageHeader } from '@/components/common/page-header';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, QueryStates } from '@/components/common/states';
import { OrderFilters, type OrderFilter } from './order-filters';
import { ORDER_STATUSES, type OrderStatus } from '@/server/domain/contracts';
import { OrdersTable, orderCsvHeader, orderCsvRows } from './orders-table';
import { CsvButton } from '@/components/analytics/csv-button';
import { PlaceOrderForm } from './place-order-form';

/** Drill-down filters a chart may add (besides status and days): which moment the days refer to, a product, a cancel reason, a currency. */
const drillKeys = ['on', 'productId', 'cancelReason', 'currency'] as const;
type Drill = Partial<Record<(typeof drillKeys)[number], string>>;
const drillLabel: Record<(typeof drillKeys)[number], string> = {
  on: 'Days are when orders were',
  productId: 'Product',
  cancelReason: 'Cancel reason',
  currency: 'Currency',
};
const onValues = ['placed', 'completed', 'cancelled'] as const;

/** The orders list. Its filters live in the URL, so a chart's drill-down link opens exactly what it counted. */
export function OrdersView() {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const status = params.get('status');
  const filter: OrderFilter = useMemo(
    () => ({
      status: (ORDER_STATUSES as readonly string[]).includes(status ?? '') ? (status as OrderStatus) : undefined,
      from: params.get('from') ?? undefined,
      to: params.get('to') ?? undefined,
    }),
    [params, status],
  );
  const drill: Drill = useMemo(
    () =>
      Object.fromEntries(
        drillKeys.flatMap((k) => {
          const v = params.get(k);
          return v ? [[k, v]] : [];
        }),
      ),
    [params],
  );
  const setParams = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      const q = next.toString();
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  const setFilter = (f: OrderFilter) =>
    setParams({
      status: f.status,
      from: f.from,
      to: f.to,
      ...(Object.keys(f).length === 0 ? { on: undefined, productId: undefined, cancelReason: undefined, currency: undefined } : {}),
    });
  const pages = useCursorPages(JSON.stringify([filter, drill]));

  // A half-typed date is not sent; a reversed range is not sent either.
  const from = filter.from && isDay(filter.from) ? filter.from : undefined;
  const to = filter.to && isDay(filter.to) ? filter.to : undefined;
  const range = from && to && from > to ? {} : { from, to };
  const on = (onValues as readonly string[]).includes(drill.on ?? '') ? (drill.on as (typeof onValues)[number]) : undefined;
  const query = {
    status: filter.status,
    ...range,
    on,
    productId: drill.productId && /^[0-9a-f-]{36}$/i.test(drill.productId) ? drill.productId : undefined,
    cancelReason: drill.cancelReason && /^[a-z_]{1,40}$/.test(drill.cancelReason) ? drill.cancelReason : undefined,
    currency: drill.currency && /^[A-Z]{3}$/.test(drill.currency) ? drill.currency : undefined,
  };
  const total = useQuery({ ...trpc.orders.count.queryOptions(query), placeholderData: (prev) => prev, refetchInterval: 5000 });
  const orders = useQuery({
    ...trpc.orders.list.queryOptions({ ...query, limit: 25, cursor: pages.cursor }),
    placeholderData: (prev) => prev,
    refetchInterval: 5000,
  });
  const items = orders.data?.data.items ?? [];
  const filtered = Boolean(filter.status || from || to || Object.keys(drill).length);

  return (
    <>
      <PageHeader title="Orders" description="Newest first. Open an order to follow its saga." />
      <div className={canCommand ? 'grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]' : 'grid gap-6'}>
        <Card className="min-w-0">
          <CardContent className="flex flex-col gap-4 pt-4">
            <OrderFilters value={filter} onChange={setFilter} />
            {Object.keys(drill).length ? (
              <div className="flex flex-wrap items-center gap-2" aria-label="Drill-down filters">
                {drillKeys
                  .filter((k) => drill[k])
                  .map((k) => (
                    <Badge key={k} variant="outline" className="gap-1">
                      {drillLabel[k]}:{' '}
                      {k === 'productId' ? (
                        <Link className="underline" href={`/analytics/products/${drill[k]}`}>
                          {drill[k]!.slice(0, 8)}
                        </Link>
                      ) : (
                        drill[k]
                      )}
                      <button
                        type="button"
                        aria-label={`Remove the ${drillLabel[k].toLowerCase()} filter`}
                        onClick={() => setParams({ [k]: undefined })}
                      >
                        <X className="size-3" aria-hidden="true" />
                      </button>
                    </Badge>
                  ))}
              </div>
            ) : null}
            <div className="flex flex-wrap items-center justify-between gap-2">
              <p className="text-sm text-muted-foreground" aria-live="polite">
                <span data-testid="orders-count">{total.data ? formatCount(total.data.data.count) : '…'}</span>{' '}
                {filtered ? 'orders match these filters' : 'orders in all'}
              </p>
              {/* The page on screen, with its filters: exactly the rows shown. */}
              <CsvButton
                label="CSV (this page)"
                filename={`ledgerline-orders-page-${pages.page}.csv`}
                header={orderCsvHeader}
                rows={orderCsvRows(items)}
                disabled={items.length === 0}
              />
            </div>
            <QueryStates
              query={orders}
              data={orders.data}
              loading={{ rows: 6, label: 'Loading orders…' }}
              isEmpty={() => items.length === 0}
              empty={<EmptyState title={filtered ? 'No orders match these filters' : 'No orders yet'} />}
            >
              {() => (
                <div aria-busy={orders.isPlaceholderData || undefined} className={orders.isPlaceholderData ? 'opacity-60' : undefined}>
                  <OrdersTable orders={items} showCustomer />
                </div>
              )}
            </QueryStates>
            <CursorPager pages={pages} nextCursor={orders.data?.data.nextCursor} busy={orders.isFetching} />
          </CardContent>
        </Card>
        {canCommand ? (
          <div>
            <PlaceOrderForm />
          </div>
        ) : null}
      </div>
    </>
  );
}
