'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { pollWhileStale } from '@/lib/client/freshness';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, ProcessingNotice, QueryStates, StaleFrame } from '@/components/common/states';
import { OrdersTable } from '@/components/orders/orders-table';

export function UserOrders({ userId, minPosition }: { userId: string; minPosition?: number }) {
  const trpc = useTRPC();
  const pages = useCursorPages();
  const orders = useQuery({
    ...trpc.users.orders.queryOptions({ userId, limit: 10, cursor: pages.cursor, minPosition }),
    refetchInterval: pollWhileStale(),
    placeholderData: (prev) => prev,
  });
  const items = orders.data?.data.items ?? [];
  const stale = Boolean(orders.data?.freshness.stale);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Order history</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <ProcessingNotice show={stale} />
        <StaleFrame stale={stale}>
          <QueryStates
            query={orders}
            data={orders.data}
            loading={{ rows: 3, label: 'Loading orders…' }}
            isEmpty={() => items.length === 0}
            empty={<EmptyState title="No orders yet" />}
          >
            {() => <OrdersTable orders={items} />}
          </QueryStates>
        </StaleFrame>
        <CursorPager pages={pages} nextCursor={orders.data?.data.nextCursor} busy={orders.isFetching} />
      </CardContent>
    </Card>
  );
}
