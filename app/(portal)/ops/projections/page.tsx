import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { ProjectionsView } from '@/components/ops/projections-view';

export const metadata: Metadata = { title: 'Projections' };

export default async function ProjectionsPage() {
  await requireStaff();
  return <ProjectionsView />;
}
