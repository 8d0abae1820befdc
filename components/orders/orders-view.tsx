'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { useCanCommand } from '@/lib/session';
import { isDay } from '@/lib/days';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/common/page-header';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/common/states';
import { OrderFilters, type OrderFilter } from './order-filters';
import { OrdersTable } from './orders-table';
import { PlaceOrderForm } from './place-order-form';

export function OrdersView() {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const [filter, setFilter] = useState<OrderFilter>({});
  const pages = useCursorPages(JSON.stringify(filter));

  // A half-typed date is not sent; a reversed range is not sent either.
  const from = filter.from && isDay(filter.from) ? filter.from : undefined;
  const to = filter.to && isDay(filter.to) ? filter.to : undefined;
  const range = from && to && from > to ? {} : { from, to };
  const orders = useQuery({
    ...trpc.orders.list.queryOptions({ status: filter.status, ...range, limit: 25, cursor: pages.cursor }),
    placeholderData: (prev) => prev,
    refetchInterval: 5000,
  });
  const items = orders.data?.data.items ?? [];
  const filtered = Boolean(filter.status || from || to);

  return (
    <>
      <PageHeader title="Orders" description="Newest first. Open an order to follow its saga." />
      <div className={canCommand ? 'grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]' : 'grid gap-6'}>
        <Card className="min-w-0">
          <CardContent className="flex flex-col gap-4 pt-4">
            <OrderFilters value={filter} onChange={setFilter} />
            {orders.isError ? (
              <ErrorState error={orders.error} onRetry={() => orders.refetch()} />
            ) : orders.isPending ? (
              <LoadingBlock rows={6} label="Loading orders…" />
            ) : items.length === 0 ? (
              <EmptyState title={filtered ? 'No orders match these filters' : 'No orders yet'} />
            ) : (
              <div aria-busy={orders.isPlaceholderData || undefined} className={orders.isPlaceholderData ? 'opacity-60' : undefined}>
                <OrdersTable orders={items} showCustomer />
              </div>
            )}
            <CursorPager pages={pages} nextCursor={orders.data?.data.nextCursor} busy={orders.isFetching} />
          </CardContent>
        </Card>
        {canCommand ? <div><PlaceOrderForm /></div> : null}
      </div>
    </>
  );
}
