import type { Metadata } from 'next';
import { requireStaff } from '@/lib/server/current-staff';
import { EventsView } from '@/components/ops/events-view';

export const metadata: Metadata = { title: 'Events' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff();
  const sp = await searchParams;
  const initial = { streamId: first(sp.streamId), type: first(sp.type), correlationId: first(sp.correlationId) };
  // Keyed by the query, so following a link to another filter starts from that filter.
  return <EventsView key={JSON.stringify(initial)} initial={initial} />;
}
