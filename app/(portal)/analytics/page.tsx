import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { FunnelView } from '@/components/analytics/funnel-view';

export const metadata: Metadata = { title: 'Analytics' };

export default async function AnalyticsPage() {
  await requireStaff();
  // The view keeps its range in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <FunnelView />
    </Suspense>
  );
}
