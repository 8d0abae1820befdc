import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';
import { sql as dsql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { PROJECTIONS_CHANNEL } from './channels';
import { readCheckpoints, reached, type Checkpoint } from './checkpoints';

export const DEFAULT_WAIT_MS = 2000;
export const MAX_WAIT_MS = 10_000;

/**
 * Waiters are cheap but not free: each holds a request open for up to MAX_WAIT_MS. A process holds
 * at most MAX_WAITERS at once, and one principal at most MAX_WAITERS_PER_PRINCIPAL (finding 5);
 * past that the query is refused with TOO_MANY_REQUESTS, to be retried, instead of queued.
 */
export const MAX_WAITERS = 256;
export const MAX_WAITERS_PER_PRINCIPAL = 32;

export class TooManyWaitersError extends Error {
  constructor(readonly scope: 'process' | 'principal') {
    super(scope === 'principal'
      ? `You already have ${MAX_WAITERS_PER_PRINCIPAL} queries waiting for minPosition; wait for them, or retry without minPosition`
      : 'The server is holding too many queries waiting for minPosition; retry in a moment');
  }
}

const owner = new AsyncLocalStorage<string>();
/** Runs `fn` with its waits counted against `principal` (the tRPC layer sets it per call). */
export const waitingAs = <T>(principal: string, fn: () => T): T => owner.run(principal, fn);

export interface Freshness { position: number; stale: boolean }
export interface WaitResult { checkpoints: Checkpoint[]; freshness: Freshness }

interface Waiting { projections: readonly string[]; offer(checkpoints: Checkpoint[]): void; fail(err: unknown): void }

/**
 * Read-your-writes: waits until every named projection has applied the event at `minPosition`,
 * woken by the runner's NOTIFY (never a sleep loop), or until the timeout. One read of the
 * checkpoints per notification serves every waiting query.
 */
export class PositionWaiter {
  private waiting = new Set<Waiting>();
  private perOwner = new Map<string, number>();
  private held = 0;
  private listening: Promise<unknown> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private reading = false;
  private again = false;

  private readSql: postgres.Sql;

  constructor(private read: Pick<DbHandle, 'sql' | 'listen'>, private writeDb: Db) {
    this.readSql = read.sql;
  }

  /** Listens once per process; after a lost connection comes back, waiting queries read again (a NOTIFY meanwhile was missed). */
  private listen() {
    this.listening ??= this.read.listen(PROJECTIONS_CHANNEL, () => this.refresh(), () => this.refresh())
      .then((meta) => { this.unlisten = meta.unlisten; }, (err: unknown) => { this.listening = null; throw err; });
    return this.listening;
  }

  /** Reads the checkpoints the waiting queries need, once, and offers them to each; a notification meanwhile makes it read again. */
  private refresh() {
    if (this.reading) { this.again = true; return; }
    if (this.waiting.size === 0) return;
    this.reading = true;
    const waiting = [...this.waiting];
    const names = [...new Set(waiting.flatMap((w) => w.projections))];
    readCheckpoints(this.readSql, names).then(
      (cks) => { for (const w of waiting) w.offer(cks.filter((c) => w.projections.includes(c.name))); },
      (err) => { for (const w of waiting) w.fail(err); },
    ).finally(() => {
      this.reading = false;
      if (this.again) { this.again = false; this.refresh(); }
    });
  }

  private async eventAt(position: number): Promise<{ txId: bigint; position: number } | null> {
    const rows = await this.writeDb.execute<{ tx_id: string }>(dsql`SELECT tx_id::text FROM events WHERE position = ${position}`);
    return rows[0] ? { txId: BigInt(rows[0].tx_id), position } : null;
  }

  /**
   * A slot is taken synchronously when the call is made (so a burst of calls is counted at once,
   * before any of them reads the database) and given back when the wait ends, however it ends.
   */
  waitFor(projections: readonly string[], minPosition: number | undefined, timeoutMs = DEFAULT_WAIT_MS): Promise<WaitResult> {
    if (!minPosition) return this.waitUntil(projections, minPosition, timeoutMs);
    const who = owner.getStore() ?? 'internal';
    if (this.held >= MAX_WAITERS) return Promise.reject(new TooManyWaitersError('process'));
    const mine = this.perOwner.get(who) ?? 0;
    if (mine >= MAX_WAITERS_PER_PRINCIPAL) return Promise.reject(new TooManyWaitersError('principal'));
    this.held++;
    this.perOwner.set(who, mine + 1);
    return this.waitUntil(projections, minPosition, timeoutMs).finally(() => {
      this.held--;
      const n = (this.perOwner.get(who) ?? 1) - 1;
      if (n > 0) this.perOwner.set(who, n); else this.perOwner.delete(who);
    });
  }

  private async waitUntil(projections: readonly string[], minPosition: number | undefined, timeoutMs: number): Promise<WaitResult> {
    let target: { txId: bigint; position: number } | null = null;
    const judge = (checkpoints: Checkpoint[]): WaitResult & { ok: boolean } => {
      const position = checkpoints.length ? Math.min(...checkpoints.map((c) => c.position)) : 0;
      if (!minPosition) return { checkpoints, ok: true, freshness: { position, stale: false } };
      const ok = !!target && checkpoints.length === projections.length && checkpoints.every((c) => reached(c, target!));
      return { checkpoints, ok, freshness: { position, stale: !ok } };
    };
    const snapshot = async () => {
      const checkpoints = await readCheckpoints(this.readSql, projections);
      if (minPosition) target ??= await this.eventAt(minPosition);
      return judge(checkpoints);
    };
    const first = await snapshot();
    if (first.ok || !minPosition) return first;
    await this.listen();
    const timeout = Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS);
    return new Promise<WaitResult>((resolve, reject) => {
      const leave = () => { this.waiting.delete(w); };
      const done = (f: () => void) => { clearTimeout(timer); leave(); f(); };
      const w: Waiting = {
        projections,
        offer: (cks) => { const r = judge(cks); if (r.ok) done(() => resolve(r)); },
        fail: (err) => done(() => reject(err)),
      };
      const timer = setTimeout(() => { leave(); snapshot().then(resolve, reject); }, timeout);
      this.waiting.add(w);
      this.refresh(); // the projection may have advanced between the first snapshot and LISTEN
    });
  }

  async close() {
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}
