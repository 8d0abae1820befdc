import type postgres from 'postgres';
import { sql as dsql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { PROJECTIONS_CHANNEL, readCheckpoints, reached, type Checkpoint } from './checkpoints';

export const DEFAULT_WAIT_MS = 2000;
export const MAX_WAIT_MS = 10_000;

export interface Freshness { position: number; stale: boolean }
export interface WaitResult { checkpoints: Checkpoint[]; freshness: Freshness }

/**
 * Read-your-writes: waits until every named projection has applied the event at `minPosition`,
 * woken by the runner's NOTIFY (never a sleep loop), or until the timeout.
 */
export class PositionWaiter {
  private waiters = new Set<() => void>();
  private listening: Promise<unknown> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readSql: postgres.Sql, private writeDb: Db) {}

  private listen() {
    this.listening ??= this.readSql.listen(PROJECTIONS_CHANNEL, () => {
      for (const w of [...this.waiters]) w();
    }).then((meta) => { this.unlisten = meta.unlisten; });
    return this.listening;
  }

  private async eventAt(position: number): Promise<{ txId: bigint; position: number } | null> {
    const rows = await this.writeDb.execute<{ tx_id: string }>(dsql`SELECT tx_id::text FROM events WHERE position = ${position}`);
    return rows[0] ? { txId: BigInt(rows[0].tx_id), position } : null;
  }

  async waitFor(projections: readonly string[], minPosition: number | undefined, timeoutMs = DEFAULT_WAIT_MS): Promise<WaitResult> {
    const snapshot = async (): Promise<WaitResult & { ok: boolean }> => {
      const checkpoints = await readCheckpoints(this.readSql, projections);
      const position = checkpoints.length ? Math.min(...checkpoints.map((c) => c.position)) : 0;
      if (!minPosition) return { checkpoints, ok: true, freshness: { position, stale: false } };
      const ev = target ?? (target = await this.eventAt(minPosition));
      const ok = !!ev && checkpoints.length === projections.length && checkpoints.every((c) => reached(c, ev));
      return { checkpoints, ok, freshness: { position, stale: !ok } };
    };
    let target: { txId: bigint; position: number } | null = null;
    const first = await snapshot();
    if (first.ok || !minPosition) return first;
    await this.listen();
    const timeout = Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS);
    return new Promise<WaitResult>((resolve, reject) => {
      let checking = false;
      let again = false;
      const finish = (r: WaitResult) => { clearTimeout(timer); this.waiters.delete(check); resolve(r); };
      const check = () => {
        if (checking) { again = true; return; }
        checking = true;
        snapshot().then((r) => {
          checking = false;
          if (r.ok) finish(r);
          else if (again) { again = false; check(); }
        }, (err) => { clearTimeout(timer); this.waiters.delete(check); reject(err); });
      };
      const timer = setTimeout(() => { snapshot().then(finish, reject); this.waiters.delete(check); }, timeout);
      this.waiters.add(check);
      check(); // the projection may have advanced between the first snapshot and LISTEN
    });
  }

  async close() {
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}
