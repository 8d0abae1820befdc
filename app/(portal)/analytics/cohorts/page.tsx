import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { CohortsView } from '@/components/analytics/cohorts-view';

export const metadata: Metadata = { title: 'Cohorts' };

export default async function CohortsPage() {
  await requireStaff();
  // The view keeps its range in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <CohortsView />
    </Suspense>
  );
}
