import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';
import { sql as dsql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { readCheckpoints, reached, type Checkpoint } from './checkpoints';
import { HeldCheckpoints } from './held-checkpoints';

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
    super(
      scope === 'principal'
        ? `You already have ${MAX_WAITERS_PER_PRINCIPAL} queries waiting for minPosition; wait for them, or retry without minPosition`
        : 'The server is holding too many queries waiting for minPosition; retry in a moment',
    );
  }
}

const owner = new AsyncLocalStorage<string>();
/** Runs `fn` with its waits counted against `principal` (the tRPC layer sets it per call). */
export const waitingAs = <T>(principal: string, fn: () => T): T => owner.run(principal, fn);

export interface Freshness {
  position: number;
  stale: boolean;
}
export interface WaitResult {
  checkpoints: Checkpoint[];
  freshness: Freshness;
}

interface Waiting {
  projections: readonly string[];
  offer(checkpoints: Checkpoint[]): void;
  fail(err: unknown): void;
}

/** How many event positions' transaction ids are remembered (they never change once committed). */
const MAX_KNOWN_EVENTS = 10_000;

/**
 * Read-your-writes: waits until every named projection has applied the event at `minPosition`,
 * woken by the runner's NOTIFY (never a sleep loop), or until the timeout. The checkpoints are held
 * in memory (HeldCheckpoints), kept current by that same LISTEN: a query without `minPosition` asks
 * Postgres nothing while the LISTEN is up; with `minPosition` it reads only the target event's
 * transaction id (remembered) and, when not reached, waits on the notifications. When the memory
 * cannot vouch (not listening yet, a re-read pending), the database decides before it waits.
 */
export class PositionWaiter {
  private waiting = new Set<Waiting>();
  private perOwner = new Map<string, number>();
  private held = 0;
  private memory: HeldCheckpoints;
  private txIds = new Map<number, bigint>();

  private readSql: postgres.Sql;

  constructor(
    read: Pick<DbHandle, 'sql' | 'listen'>,
    private writeDb: Db,
  ) {
    this.readSql = read.sql;
    // Each read of the table (after a notification or a re-listen) is offered to every waiting query.
    this.memory = new HeldCheckpoints(read, (err) => {
      for (const w of [...this.waiting]) {
        if (err) w.fail(err);
        else w.offer(this.memory.snapshot(w.projections));
      }
    });
  }

  /** Runs when read-model rows may have changed with no checkpoint moving (HeldCheckpoints.onRowsChanged). */
  set onRowsChanged(f: (() => void) | undefined) {
    this.memory.onRowsChanged = f;
  }

  private async eventAt(position: number): Promise<{ txId: bigint; position: number } | null> {
    const known = this.txIds.get(position);
    if (known !== undefined) return { txId: known, position };
    const rows = await this.writeDb.execute<{ tx_id: string }>(dsql`SELECT tx_id::text FROM events WHERE position = ${position}`);
    if (!rows[0]) return null;
    const txId = BigInt(rows[0].tx_id);
    if (this.txIds.size >= MAX_KNOWN_EVENTS) this.txIds.delete(this.txIds.keys().next().value!);
    this.txIds.set(position, txId);
    return { txId, position };
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
      if (n > 0) this.perOwner.set(who, n);
      else this.perOwner.delete(who);
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
    const fromDatabase = async () => {
      const checkpoints = await readCheckpoints(this.readSql, projections);
      if (minPosition) target ??= await this.eventAt(minPosition);
      return judge(checkpoints);
    };
    const held = await this.memory.get(projections);
    if (minPosition) target = await this.eventAt(minPosition);
    if (held) {
      const r = judge(held);
      if (r.ok || !minPosition) return r;
    } else {
      // Not in memory (not listening, or out of date): the database decides before anyone waits.
      const first = await fromDatabase();
      if (first.ok || !minPosition) return first;
    }
    // Not reached. When the memory is current, no read of the database can tell more than it: every
    // checkpoint move since is a notification on its way, taken into the memory and offered to the
    // waiters (a notice without its checkpoint makes the memory re-read the table, then offer).
    await this.memory.start();
    const timeout = Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS);
    return new Promise<WaitResult>((resolve, reject) => {
      const leave = () => {
        this.waiting.delete(w);
      };
      const done = (f: () => void) => {
        clearTimeout(timer);
        leave();
        f();
      };
      const w: Waiting = {
        projections,
        offer: (cks) => {
          const r = judge(cks);
          if (r.ok) done(() => resolve(r));
        },
        fail: (err) => done(() => reject(err)),
      };
      const timer = setTimeout(() => {
        leave();
        fromDatabase().then(resolve, reject);
      }, timeout);
      this.waiting.add(w);
      if (held) {
        // What the memory took in since it was asked (during the read of the target's transaction id).
        w.offer(this.memory.snapshot(projections));
      } else {
        // The projection may have advanced between the database read and the LISTEN.
        this.memory.reload().catch(() => undefined);
      }
    });
  }

  /** Starts holding the checkpoints in memory; true once the memory can answer without Postgres. */
  async memoryReady(): Promise<boolean> {
    await this.memory.start();
    return (await this.memory.get([])) !== null;
  }

  /** The named checkpoints as this process holds them in memory, whatever their age (no database read). */
  inMemory(projections: readonly string[]): Checkpoint[] {
    return this.memory.snapshot(projections);
  }

  async close() {
    await this.memory.close();
  }
}
