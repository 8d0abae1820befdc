import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { OrdersView } from '@/components/orders/orders-view';

export const metadata: Metadata = { title: 'Orders' };

export default async function OrdersPage() {
  await requireStaff();
  // The view keeps its filters in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <OrdersView />
    </Suspense>
  );
}
