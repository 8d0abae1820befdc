import { desc } from 'drizzle-orm';
import { bulkLoads } from '@/db/schema';
import type { WriteDeps } from '@/server/deps';
import { percentOf } from '@/server/domain/contracts';

export interface BulkLoad {
  name: string;
  totalEvents: number;
  doneEvents: number;
  percent: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  failure: string | null;
  running: boolean;
}

/** A load whose last progress is older than this is no longer running (its process died). */
const STALE_MS = 60_000;

/**
 * Bulk loads (the demo history) with their progress, newest first. `running` while a load has
 * neither finished nor gone quiet: a process killed mid-load leaves its row open, and the portal
 * should not show a banner for it for ever.
 */
export async function bulkLoadsNow(s: WriteDeps): Promise<BulkLoad[]> {
  const rows = await s.write.db.select().from(bulkLoads).orderBy(desc(bulkLoads.startedAt)).limit(10);
  const now = Date.now();
  return rows.map((r) => ({
    name: r.name,
    totalEvents: r.totalEvents,
    doneEvents: r.doneEvents,
    percent: percentOf(r.doneEvents, r.totalEvents),
    startedAt: r.startedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    failure: r.failure,
    running: r.finishedAt === null && now - r.updatedAt.getTime() < STALE_MS,
  }));
}
