import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { bulkLoads } from '@/db/schema';
import { percentOf } from '@/server/domain/contracts';

/**
 * The `bulk_loads` row of a running load: started with the events it will write, moved on as
 * batches commit, and closed when it ends (finished, or with the reason it stopped). The portal's
 * banner and the terminal read the same numbers.
 */
export class BulkLoadRecord {
  constructor(
    private readonly db: Db,
    readonly name: string,
  ) {}

  async start(totalEvents: number): Promise<void> {
    const now = new Date();
    const row = { totalEvents, doneEvents: 0, startedAt: now, updatedAt: now, finishedAt: null, failure: null };
    await this.db
      .insert(bulkLoads)
      .values({ name: this.name, ...row })
      .onConflictDoUpdate({ target: bulkLoads.name, set: row });
  }

  /** An earlier run of this load started and never finished (interrupted): it should be resumed. */
  async interrupted(): Promise<boolean> {
    const [row] = await this.db.select({ finishedAt: bulkLoads.finishedAt }).from(bulkLoads).where(eq(bulkLoads.name, this.name));
    return !!row && row.finishedAt === null;
  }

  async progress(doneEvents: number): Promise<void> {
    await this.db.update(bulkLoads).set({ doneEvents, updatedAt: new Date() }).where(eq(bulkLoads.name, this.name));
  }

  async finish(failure?: string): Promise<void> {
    await this.db
      .update(bulkLoads)
      .set({ finishedAt: sql`now()`, updatedAt: new Date(), failure: failure ?? null })
      .where(eq(bulkLoads.name, this.name));
  }
}

/**
 * A load's progress callback: records it in the row and prints `Loading demo history: 42 % (…)`
 * at every tenth and at the end, so the terminal and the portal's banner show the same figure.
 */
export function reportProgress(record: BulkLoadRecord, label: string, out: (line: string) => void) {
  let shown = -10;
  return async (done: number, total: number) => {
    await (done === 0 ? record.start(total) : record.progress(done));
    const percent = percentOf(done, total);
    if (percent >= shown + 10 || done === total) {
      shown = percent;
      out(`Loading ${label}: ${percent} % (${done}/${total} events)`);
    }
  };
}
