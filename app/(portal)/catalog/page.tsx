import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { CatalogView } from '@/components/catalog/catalog-view';

export const metadata: Metadata = { title: 'Catalog' };

export default async function CatalogPage() {
  await requireStaff();
  return <CatalogView />;
}
