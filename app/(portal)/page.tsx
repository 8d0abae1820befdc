import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { DashboardView } from '@/components/dashboard/dashboard-view';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  await requireStaff();
  // The view reads its range from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <DashboardView />
    </Suspense>
  );
}
