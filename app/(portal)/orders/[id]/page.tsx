import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireStaff } from '@/lib/server/current-staff';
import { positionParam } from '@/lib/client/freshness';
import { isUuid } from '@/lib/client/ids';
import { OrderDetailView } from '@/components/orders/order-detail-view';

export const metadata: Metadata = { title: 'Order' };

export default async function OrderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireStaff();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { p } = await searchParams;
  return <OrderDetailView key={id} orderId={id} minPosition={positionParam(p)} />;
}
