import type { Metadata } from 'next';
import { requireStaff } from '@/lib/auth/current-staff';
import { ReportsView } from '@/components/reports/reports-view';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage() {
  await requireStaff();
  return <ReportsView />;
}
