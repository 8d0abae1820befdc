import type { DbHandle } from '@/db/client';
import { PROJECTIONS_CHANNEL, readNotice } from './channels';
import { readAllCheckpoints, reached, type Checkpoint } from './checkpoints';

/**
 * Every consumer's checkpoint, held in process memory so that a query answered from the cache does
 * not ask Postgres where the projections stand. Kept current by the LISTEN on PROJECTIONS_CHANNEL
 * (every checkpoint move notifies in its own transaction, with the checkpoint as committed: taken
 * as it is); any other notification marks the memory out of date and starts one read of the table,
 * which all notifications meanwhile share.
 *
 * The memory is trusted only while that LISTEN is connected and no notification is unread: a lost
 * connection (db/listen.ts `onlost`) sends every caller to the database until it listens again and
 * has re-read the table (notifications sent while nobody listened are gone). A caller that arrives
 * while a notification is being read waits for a read that started after it arrived, so it never
 * sees an older state than a read of its own would have shown.
 */
export class HeldCheckpoints {
  private known = new Map<string, Checkpoint>();
  private listenUp = false;
  private starting: Promise<unknown> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** Bumped by every notification and every lost connection; the memory is current when a read that started at `marks` has finished. */
  private marks = 0;
  private cleanAt = -1;
  /** Bumped when the LISTEN connection goes: a read begun before that cannot vouch for the memory. */
  private epoch = 0;
  private current: { run: Promise<void>; mark: number } | null = null;
  private queued: Promise<void> | null = null;
  private closed = false;
  /**
   * Runs when read-model rows may have changed with no checkpoint moving (a notice that names a
   * projection without its checkpoint: a rebuild's swap, a dead letter applied), or when notices may
   * have been missed (the LISTEN lost or back): what was cached under unchanged checkpoints may be old.
   */
  onRowsChanged?: () => void;

  /** `onRead` runs after each read of the table (with the error when it failed): waiters judge the new state. */
  constructor(
    private read: Pick<DbHandle, 'sql' | 'listen'>,
    private onRead: (err?: unknown) => void = () => {},
  ) {}

  /** Starts listening (once; again after a failure); resolves once it listens. Until it has also read, callers go to the database. */
  start(): Promise<unknown> {
    if (this.closed) return Promise.resolve();
    this.starting ??= this.read
      .listen(
        PROJECTIONS_CHANNEL,
        (payload) => this.notified(payload),
        () => this.relistened(),
        () => this.lost(),
      )
      .then(
        (meta) => {
          this.unlisten = meta.unlisten;
          this.listenUp = true;
          this.reload().catch(() => undefined);
        },
        (err: unknown) => {
          this.starting = null;
          throw err;
        },
      );
    return this.starting;
  }

  /**
   * The named checkpoints from memory, current as of this call; null when the memory cannot vouch
   * for that (not listening yet, connection lost, a read failed, or a name it has never seen): the
   * caller then reads the database itself.
   */
  async get(names: readonly string[]): Promise<Checkpoint[] | null> {
    if (!this.listenUp) {
      this.start().catch(() => undefined);
      return null;
    }
    if (this.cleanAt !== this.marks) {
      const epoch = this.epoch;
      try {
        await (this.current && this.current.mark === this.marks ? this.current.run : this.reload());
      } catch {
        return null;
      }
      if (!this.listenUp || epoch !== this.epoch) return null;
    }
    const out: Checkpoint[] = [];
    for (const name of names) {
      const ck = this.known.get(name);
      if (!ck) return null; // a consumer that has not started yet (its row is inserted without a notification)
      out.push(ck);
    }
    return out;
  }

  /** The checkpoints as last read (for waiters woken by a notification), whatever their age. */
  snapshot(names: readonly string[]): Checkpoint[] {
    return names.flatMap((n) => this.known.get(n) ?? []);
  }

  /** Reads the whole table (a row per consumer); reads run one at a time, and calls meanwhile share the next one. */
  reload(): Promise<void> {
    if (!this.current) {
      const mark = this.marks;
      const epoch = this.epoch;
      const run = readAllCheckpoints(this.read.sql)
        .then(
          (rows) => {
            this.known = new Map(rows.map((c) => [c.name, c]));
            if (this.listenUp && epoch === this.epoch) this.cleanAt = mark;
            this.onRead();
          },
          (err: unknown) => {
            this.onRead(err);
            throw err;
          },
        )
        .finally(() => {
          this.current = null;
        });
      this.current = { run, mark };
      return run;
    }
    this.queued ??= this.current.run
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.reload();
      });
    return this.queued;
  }

  /**
   * A checkpoint move carries the row as committed (readNotice): while the memory is current and no
   * read is in flight, it is taken as it is, without reading the table (notifications arrive in
   * commit order; one older than what the memory holds changes nothing). Anything else (a notice
   * without a checkpoint, a new version, a read in flight) marks the memory out of date and reads.
   */
  private notified(payload: string) {
    const { checkpoint: ck } = readNotice(payload);
    if (!ck) this.onRowsChanged?.();
    const known = ck && this.known.get(ck.name);
    if (ck && this.listenUp && this.cleanAt === this.marks && !this.current && (!known || known.version === ck.version)) {
      if (!known || !reached(known, ck)) this.known.set(ck.name, ck);
      this.onRead();
      return;
    }
    this.marks++;
    this.reload().catch(() => undefined); // a failed read leaves the memory marked out of date: callers go to the database
  }

  private lost() {
    this.onRowsChanged?.();
    this.listenUp = false;
    this.epoch++;
    this.marks++;
  }

  private relistened() {
    this.onRowsChanged?.();
    this.listenUp = true;
    this.marks++;
    this.reload().catch(() => undefined);
  }

  async close() {
    this.closed = true;
    this.listenUp = false;
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}
