import type { Metadata } from 'next';
import { requireStaff } from '@/lib/auth/current-staff';
import { DashboardView } from '@/components/dashboard/dashboard-view';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  await requireStaff();
  return <DashboardView />;
}
