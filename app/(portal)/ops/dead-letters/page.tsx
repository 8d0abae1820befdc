import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { DeadLettersView } from '@/components/ops/dead-letters-view';

export const metadata: Metadata = { title: 'Dead letters' };

export default async function DeadLettersPage() {
  await requireStaff();
  return <DeadLettersView />;
}
