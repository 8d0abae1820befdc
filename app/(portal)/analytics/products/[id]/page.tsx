import { Suspense } from 'react';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireStaff } from '@/lib/server/current-staff';
import { isUuid } from '@/lib/client/ids';
import { ProductView } from '@/components/analytics/product-view';

export const metadata: Metadata = { title: 'Product' };

export default async function ProductAnalyticsPage({ params }: { params: Promise<{ id: string }> }) {
  await requireStaff();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  return (
    <Suspense>
      <ProductView key={id} productId={id} />
    </Suspense>
  );
}
