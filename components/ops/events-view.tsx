'use client';

import { useEffect, useState } from 'react';
import { usePathname } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { useDebounced } from '@/lib/client/use-debounced';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/common/page-header';
import { CursorPager, useCursorPages } from '@/components/common/cursor-pager';
import { EmptyState, QueryStates } from '@/components/common/states';
import { EventFilters, type EventFilter } from './event-filters';
import { EventsTable } from './events-table';

/** The events explorer. Filters live in the URL so a filtered view can be linked and shared. */
export function EventsView({ initial }: { initial: EventFilter }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const [filter, setFilter] = useState<EventFilter>(initial);
  const applied = useDebounced(filter, 300);
  const pages = useCursorPages(JSON.stringify(applied));

  useEffect(() => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(applied)) if (v.trim()) params.set(k, v.trim());
    const qs = params.toString();
    // The History API, not router.replace: no server round trip, and typing keeps its focus.
    window.history.replaceState(null, '', qs ? `${pathname}?${qs}` : pathname);
  }, [applied, pathname]);

  const opt = (s: string) => s.trim() || undefined;
  const events = useQuery({
    ...trpc.ops.events.queryOptions({
      streamId: opt(applied.streamId),
      type: opt(applied.type),
      correlationId: opt(applied.correlationId),
      limit: 50,
      cursor: pages.cursor,
    }),
    placeholderData: (prev) => prev,
    refetchInterval: pages.cursor ? false : 5000,
  });
  const items = events.data?.data.items ?? [];

  return (
    <>
      <PageHeader title="Events" description="The event log, newest first. Click a stream, type or correlation id to filter by it." />
      <Card className="min-w-0">
        <CardContent className="flex flex-col gap-4 pt-4">
          <EventFilters value={filter} onChange={setFilter} />
          <QueryStates
            query={events}
            data={events.data}
            loading={{ rows: 8, label: 'Loading events…' }}
            isEmpty={() => items.length === 0}
            empty={<EmptyState title="No events match" />}
          >
            {() => (
              <div aria-busy={events.isPlaceholderData || undefined} className={events.isPlaceholderData ? 'opacity-60' : undefined}>
                <EventsTable events={items} onFilter={(patch) => setFilter((f) => ({ ...f, ...patch }))} />
              </div>
            )}
          </QueryStates>
          <CursorPager pages={pages} nextCursor={events.data?.data.nextCursor} busy={events.isFetching} />
        </CardContent>
      </Card>
    </>
  );
}
