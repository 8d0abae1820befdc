import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireStaff } from '@/lib/server/current-staff';
import { positionParam } from '@/lib/client/freshness';
import { isUuid } from '@/lib/client/ids';
import { UserProfileView } from '@/components/users/user-profile-view';

export const metadata: Metadata = { title: 'User' };

export default async function UserPage({
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
  return <UserProfileView key={id} userId={id} initialPosition={positionParam(p)} />;
}
