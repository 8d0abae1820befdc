import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { checkpointNotice, PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import { lastBefore, after, notIndexed, type LogPoint } from '@/server/readside/log';
import type { Logger } from '@/server/log';
import { eventSpan, tracingEnabled } from '@/server/tracing';

export const RELAY_CHECKPOINT = '$relay';
const SCAN = 10_000;
/** How long the relay keeps looking again, without progress, while committed events wait behind an older open transaction. */
const BLOCKED_WAIT_MS = 2000;

export interface Route {
  name: string;
  handles: readonly string[];
  /**
   * The consumer's checkpoint is in the relay's database (the saga's always; the read models' when
   * they share it): the relay then moves that checkpoint itself past events the consumer ignores.
   */
  local?: boolean;
}

/**
 * Moves committed events, in safe order, into work for their consumers: it reads past its
 * checkpoint (only events older than every running transaction), enqueues one job per consumer,
 * then saves its checkpoint. `enqueue` is told when the scan's rows were seen (performance.now()).
 * Enqueuing before saving makes it at-least-once;
 * consumers read from their own checkpoints, so a repeated signal changes nothing.
 */
export class Relay {
  private byType = new Map<string, string[]>();
  private names: string[];
  /** The local routes as the advance statement reads them: `[{ name, types }]`. */
  private localRoutes: string | null;

  /**
   * `opts.recheck` runs the relay again when it was blocked (default: `run`); the worker passes its
   * one-at-a-time runner, so a recheck never races another run for the checkpoint row.
   */
  constructor(
    private db: Db,
    routes: Route[],
    private enqueue: (names: string[], seenAt: number) => Promise<void>,
    private log: Logger,
    private opts: { recheck?: () => Promise<unknown> } = {},
  ) {
    for (const r of routes) for (const t of r.handles) this.byType.set(t, [...(this.byType.get(t) ?? []), r.name]);
    this.names = routes.map((r) => r.name);
    const local = routes.filter((r) => r.local).map((r) => ({ name: r.name, types: r.handles }));
    this.localRoutes = local.length ? JSON.stringify(local) : null;
  }

  async ensureCheckpoint() {
    await this.db.execute(sql`INSERT INTO projection_checkpoints (name, version) VALUES (${RELAY_CHECKPOINT}, 1) ON CONFLICT DO NOTHING`);
  }

  private recheck: NodeJS.Timeout | null = null;
  private recheckMs = 1;
  private blockedSince = 0;

  /**
   * Committed events wait past the safe horizon behind an older open transaction (of any database
   * on the server, even one that writes no events). Nothing signals when it ends: without looking
   * again they would wait for the next commit or the timer sweep (seconds), and a read-your-writes
   * wait would time out stale. So look again after 1 ms, doubling to 50 ms, for up to
   * BLOCKED_WAIT_MS without progress; commits meanwhile still wake the relay at once.
   */
  private recheckIfBlocked(blocked: boolean, progressed: boolean) {
    const now = Date.now();
    if (!blocked || progressed) {
      this.recheckMs = 1;
      this.blockedSince = now;
    }
    if (!blocked || this.recheck || now - this.blockedSince > BLOCKED_WAIT_MS) return;
    this.recheck = setTimeout(() => {
      this.recheck = null;
      (this.opts.recheck ?? (() => this.run()))().catch((err: Error) => this.log.warn({ err: err.message }, 'relay recheck failed'));
    }, this.recheckMs);
    this.recheck.unref();
    this.recheckMs = Math.min(50, this.recheckMs * 2);
  }

  /**
   * Moves to `next` (below the safe horizon) the checkpoint of every local consumer that has no
   * event of its own types between its checkpoint and `next`: exactly what its own step would do
   * with an empty batch, without a transaction per consumer for every commit. A consumer that is
   * failed, retrying, or being applied right now (its row locked: SKIP LOCKED) is left to its own
   * step. A step that read its checkpoint before this moved it finds the row changed and reads
   * again (the runner's row-version check), so no event is skipped or applied twice.
   */
  private async advanceIdle(tx: Tx, next: LogPoint): Promise<Set<string>> {
    if (!this.localRoutes) return new Set();
    const rows = await tx.execute<{ name: string }>(advanceIdleStatement(this.localRoutes, next));
    return new Set(rows.map((r) => r.name));
  }

  /** Relays everything up to the safe horizon; returns how many events it moved. */
  async run(): Promise<number> {
    let moved = 0;
    for (;;) {
      const n = await this.db.transaction(async (tx) => {
        // One round trip: the checkpoint (locked), the safe horizon, and whether committed events wait
        // at or past it for an older open transaction (the rows this statement sees are committed).
        const [ck] = await tx.execute<{ tx_id: string; position: string; horizon: string; blocked: boolean }>(relayCheckpointStatement());
        if (!ck) throw new Error('relay checkpoint missing');
        const from: LogPoint = { txId: BigInt(ck.tx_id), position: Number(ck.position) };
        const horizon = BigInt(ck.horizon);
        const blocked = ck.blocked;
        const started = Date.now();
        const [rows, last] = await Promise.all([
          tx.execute<{ type: string; tx_id: string; position: string; traceparent: string | null }>(sql`
            SELECT type, tx_id::text, position, ${tracingEnabled() ? sql`metadata->>'traceparent'` : sql`NULL`} AS traceparent FROM events
            WHERE (tx_id, position) > (${ck.tx_id}::xid8, ${ck.position}) AND tx_id < ${horizon.toString()}::xid8
            ORDER BY events.tx_id, events.position LIMIT ${SCAN}`),
          lastBefore(tx, horizon),
        ]);
        // Any statement started from now on sees (at least) what this scan saw.
        const seenAt = performance.now();
        const lastRow = rows[rows.length - 1];
        let next: LogPoint = lastRow ? { txId: BigInt(lastRow.tx_id), position: Number(lastRow.position) } : from;
        if (rows.length < SCAN && last && after(last, next)) next = last;
        if (!after(next, from)) return { scanned: 0, more: false, blocked };
        // The consumers of the events read are signalled at once: their catch-ups overlap the rest
        // of this transaction. The signals go out before the commit (at-least-once).
        const handlers = new Set([...new Set(rows.map((r) => r.type))].flatMap((type) => this.byType.get(type) ?? []));
        if (handlers.size) await this.enqueue([...handlers], seenAt);
        // Every consumer must move its checkpoint past the events it ignores, or a read-your-writes
        // wait on it would never end. Local ones with nothing to apply are moved here, all in one
        // statement; every other consumer is signalled and moves itself.
        // The advance and the relay's own checkpoint in one round trip.
        const [moved] = await Promise.all([
          this.advanceIdle(tx, next),
          tx.execute(sql`UPDATE projection_checkpoints SET tx_id = ${next.txId.toString()}::xid8, position = ${next.position},
            last_event_at = now(), updated_at = now(), events_applied = events_applied + ${rows.length} WHERE name = ${RELAY_CHECKPOINT}`),
        ]);
        const rest = this.names.filter((n) => !handlers.has(n) && !moved.has(n));
        if (rest.length) await this.enqueue(rest, seenAt);
        for (const r of rows)
          eventSpan(
            `relay ${r.type}`,
            r.traceparent ?? undefined,
            { 'ledgerline.position': Number(r.position), 'ledgerline.consumers': this.byType.get(r.type)?.join(',') ?? '' },
            started,
          );
        return { scanned: rows.length, more: rows.length === SCAN, blocked };
      });
      moved += n.scanned;
      if (n.more) continue;
      this.recheckIfBlocked(n.blocked, moved > 0);
      if (moved) this.log.debug({ moved }, 'relayed');
      return moved;
    }
  }
}

/**
 * The relay's advance of idle consumers (Relay.advanceIdle): the events between a consumer's
 * checkpoint and `next` are read through the (tx_id, position) index, a range as short as the
 * relay's last scan, with the type checked on each row. Left to choose, Postgres read the type
 * index instead: every event of the consumer's types in the whole log, for every consumer, on every
 * run (256 ms at 160,000 events before the table's first ANALYZE).
 */
export function advanceIdleStatement(localRoutes: string, next: LogPoint) {
  const nextTx = next.txId.toString();
  return sql`
      WITH routes AS (SELECT * FROM jsonb_to_recordset(${localRoutes}::jsonb) AS r(name text, types text[])),
      idle AS (
        SELECT c.name FROM projection_checkpoints c JOIN routes r ON r.name = c.name
        WHERE c.status = 'running' AND c.failing_position IS NULL AND c.retry_after IS NULL
          AND (c.tx_id, c.position) < (${nextTx}::xid8, ${next.position})
          AND NOT EXISTS (SELECT 1 FROM events e WHERE (e.tx_id, e.position) > (c.tx_id, c.position)
            AND (e.tx_id, e.position) <= (${nextTx}::xid8, ${next.position}) AND ${notIndexed(sql`e.type`)} = ANY (r.types))
        FOR UPDATE OF c SKIP LOCKED)
      UPDATE projection_checkpoints c SET tx_id = ${nextTx}::xid8, position = ${next.position}, updated_at = now()
      FROM idle WHERE c.name = idle.name
      RETURNING c.name, pg_notify(${PROJECTIONS_CHANNEL}, ${sql.raw(checkpointNotice('c'))})`;
}

/**
 * One round trip: the relay's checkpoint (locked), the safe horizon, and whether committed events
 * wait at or past it for an older open transaction: the last event of the log is at or past the
 * horizon, one index entry. Asked as EXISTS (… tx_id >= horizon), Postgres may scan the whole log
 * (it did before the table's first ANALYZE: 31 ms at 160,000 events, on every run).
 */
export const relayCheckpointStatement = () => sql`
  SELECT tx_id::text, position, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
    COALESCE((SELECT e.tx_id FROM events e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1)
      >= pg_snapshot_xmin(pg_current_snapshot()), false) AS blocked
  FROM projection_checkpoints WHERE name = ${RELAY_CHECKPOINT} FOR UPDATE`;
