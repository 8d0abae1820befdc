'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { streamId } from '@/server/domain/contracts';
import { dateTime, shortId } from '@/lib/client/format';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/common/page-header';
import { ProcessingNotice, QueryStates, StaleFrame } from '@/components/common/states';
import { EventTimeline } from '@/components/events/event-timeline';
import { OrderLinesTable } from './order-lines-table';
import { SagaTimeline, cancelReasonText } from './saga-timeline';
import { StatusBadge } from './status-badge';

const terminal = (status: string | undefined) => status === 'completed' || status === 'cancelled';

/** One order; polls every second until the saga ends, and says so while the read model catches up. */
export function OrderDetailView({ orderId, minPosition }: { orderId: string; minPosition?: number }) {
  const trpc = useTRPC();
  const order = useQuery({
    ...trpc.orders.get.queryOptions({ orderId, minPosition }),
    refetchInterval: (q) => (terminal(q.state.data?.data?.status) && !q.state.data?.freshness.stale ? false : 1000),
  });
  const data = order.data?.data;
  const stale = Boolean(order.data?.freshness.stale);
  const done = terminal(data?.status);

  return (
    <>
      <PageHeader
        title={`Order ${shortId(orderId)}`}
        description={data ? `Placed ${dateTime(data.placedAt)}` : orderId}
        actions={data ? <StatusBadge status={data.status} testId="order-status" /> : null}
      />
      <ProcessingNotice show={stale} />
      <QueryStates query={order} data={data} loading={{ rows: 4, label: stale ? 'Waiting for the read model…' : 'Loading the order…' }}>
        {(data) => (
          <StaleFrame stale={stale}>
            <div className="grid gap-6">
              <Card>
                <CardHeader>
                  <CardTitle>Progress</CardTitle>
                </CardHeader>
                <CardContent className="flex flex-col gap-3">
                  <SagaTimeline order={data} />
                  {data.status === 'cancelled' ? (
                    <Alert variant="destructive" role="status">
                      Cancelled:{' '}
                      <span data-testid="cancel-reason" data-reason={data.cancelReason ?? ''}>
                        {data.cancelReason ?? 'unknown'}
                      </span>
                      <span className="text-xs"> ({cancelReasonText(data.cancelReason)})</span>
                    </Alert>
                  ) : null}
                  {!done ? (
                    <p className="text-xs text-muted-foreground" aria-live="polite">
                      Updating every second until the order completes or is cancelled.
                    </p>
                  ) : null}
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>Lines</CardTitle>
                  <p className="text-sm text-muted-foreground">
                    Customer{' '}
                    <Link
                      className={data.customerName ? 'text-primary hover:underline' : 'font-mono text-primary hover:underline'}
                      href={`/users/${data.userId}`}
                      data-testid="order-customer"
                    >
                      {data.customerName ?? shortId(data.userId)}
                    </Link>
                  </p>
                </CardHeader>
                <CardContent>
                  <OrderLinesTable order={data} />
                </CardContent>
              </Card>
            </div>
          </StaleFrame>
        )}
      </QueryStates>
      <EventTimeline streamId={streamId.order(orderId)} minPosition={minPosition} live={done ? false : 1000} />
    </>
  );
}
