import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { UsersView } from '@/components/users/users-view';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  await requireStaff();
  return <UsersView />;
}
