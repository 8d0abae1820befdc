import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { ReportsView } from '@/components/reports/reports-view';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage() {
  await requireStaff();
  // The view keeps its range in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <ReportsView />
    </Suspense>
  );
}
