'use client';

import { useQuery } from '@tanstack/react-query';
import { TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { useTRPC } from '@/lib/client/trpc';

/** A banner while the system is degraded (no live worker, a projection halted or lagging). */
export function SystemAlerts() {
  const trpc = useTRPC();
  const alerts = useQuery({ ...trpc.ops.alerts.queryOptions({}), refetchInterval: 10_000, retry: false });
  const data = alerts.data?.data;
  if (!data || data.status === 'ok') return null;
  return (
    <div
      role="status"
      className="border-b border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 sm:px-6"
      data-testid="system-alerts"
    >
      <div className="mx-auto flex max-w-7xl items-start gap-2">
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <p>
          <span className="font-medium">Degraded: </span>
          {data.reasons.join('; ')}.{' '}
          <Link href="/ops/projections" className="underline">
            Projections
          </Link>
        </p>
      </div>
    </div>
  );
}
