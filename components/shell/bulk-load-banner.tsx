'use client';

import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { LoaderCircle } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';

/**
 * "Loading demo history: 42 % …" while a bulk load runs (ops.loads), gone once it has finished.
 * Meanwhile the dashboard, reports and analytics are refetched as it goes, so the charts fill up
 * while the worker projects what the load writes: eventual consistency, visibly.
 */
export function BulkLoadBanner() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const loads = useQuery({
    ...trpc.ops.loads.queryOptions({}),
    retry: false,
    refetchInterval: (q) => (q.state.data?.data.some((l) => l.running) ? 2000 : 15_000),
  });
  const running = loads.data?.data.find((l) => l.running);
  const updatedAt = running?.updatedAt;
  useEffect(() => {
    if (!updatedAt) return;
    for (const filter of [trpc.dashboard.pathFilter(), trpc.reports.pathFilter(), trpc.analytics.pathFilter()])
      void client.invalidateQueries(filter);
  }, [updatedAt, client, trpc]);
  if (!running) return null;
  return (
    <div role="status" className="border-b border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 sm:px-6" data-testid="bulk-load-banner">
      <div className="mx-auto flex max-w-7xl items-center gap-2">
        <LoaderCircle className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden="true" />
        <p>
          <span className="font-medium">
            Loading {running.name === 'demo' ? 'demo history' : running.name}: {running.percent} % …
          </span>{' '}
          {running.doneEvents.toLocaleString('en')} of {running.totalEvents.toLocaleString('en')} events written; the charts fill up as the
          worker projects them.
        </p>
      </div>
    </div>
  );
}
