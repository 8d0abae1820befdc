import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { ProductsView } from '@/components/analytics/products-view';

export const metadata: Metadata = { title: 'Products' };

export default async function ProductsAnalyticsPage() {
  await requireStaff();
  // The view keeps its range in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <ProductsView />
    </Suspense>
  );
}
