'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { pollWhileStale } from '@/lib/client/freshness';
import { dateTime, isoTime, metaField } from '@/lib/client/format';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState, ProcessingNotice, QueryStates } from '@/components/common/states';

/** The events of one stream, oldest first, as a timeline (the log answers newest first). */
export function EventTimeline({ streamId, minPosition, live }: { streamId: string; minPosition?: number; live?: number | false }) {
  const trpc = useTRPC();
  const events = useQuery({
    ...trpc.ops.events.queryOptions({ streamId, minPosition, limit: 100 }),
    refetchInterval: pollWhileStale(live ?? false),
  });
  const items = [...(events.data?.data.items ?? [])].reverse();

  return (
    <Card>
      <CardHeader>
        <CardTitle>Event timeline</CardTitle>
        <p className="font-mono text-xs text-muted-foreground">{streamId}</p>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <ProcessingNotice show={Boolean(events.data?.freshness.stale)} />
        <QueryStates
          query={events}
          data={events.data}
          loading={{ rows: 3, label: 'Loading events…' }}
          isEmpty={() => items.length === 0}
          empty={<EmptyState title="No events in this stream yet" />}
        >
          {() => (
            <ol className="relative grid gap-3 border-l pl-4" data-testid="event-timeline">
              {items.map((e) => {
                const correlationId = metaField(e.metadata, 'correlationId');
                return (
                  <li key={e.eventId} className="relative grid gap-0.5">
                    <span
                      className="absolute top-1.5 -left-[21px] size-2.5 rounded-full border-2 border-card bg-primary"
                      aria-hidden="true"
                    />
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <span className="font-medium">{e.type}</span>
                      <span className="text-xs text-muted-foreground" data-testid="event-versions">
                        log position {e.position} · stream version {e.streamVersion} · schema v{e.schemaVersion}
                      </span>
                    </div>
                    <time className="text-xs text-muted-foreground" dateTime={isoTime(e.occurredAt)}>
                      {dateTime(e.occurredAt)}
                    </time>
                    {correlationId ? (
                      <Link
                        href={`/ops/events?correlationId=${encodeURIComponent(correlationId)}`}
                        className="w-fit font-mono text-xs text-primary hover:underline"
                      >
                        correlation {correlationId.slice(0, 8)}
                      </Link>
                    ) : null}
                    <details className="text-xs">
                      <summary className="cursor-pointer text-muted-foreground">Data</summary>
                      <pre className="mt-1 max-w-full overflow-x-auto rounded bg-muted p-2">{JSON.stringify(e.data, null, 2)}</pre>
                    </details>
                  </li>
                );
              })}
            </ol>
          )}
        </QueryStates>
      </CardContent>
    </Card>
  );
}
