import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Checkpoint } from './checkpoints';

export const CACHE_TTL_SECONDS = 60;

/** Bumped whenever the stored text changes shape, so that entries of an older build are misses, not misreadings. */
const FORMAT = 'serialised-answer-2';

/**
 * Query answers cached in Redis, as the text the API sends (the serialised answer: see
 * server/queries/answer.ts), stored as its UTF-8 bytes (a string and a Buffer of it store alike). A
 * hit is read as those bytes, a Buffer never decoded into a JS string: the query lane writes it to
 * the socket as it is, and only a reader that looks inside the answer parses it. The key holds the
 * checkpoint of every projection the query reads, so a projection's advance retires old entries
 * without scanning; the TTL removes them. The text stored
 * under a key was loaded after those checkpoints were read, so it is never older than its key.
 * Redis being down or flushed only costs a miss.
 */
export class QueryCache {
  readonly stats = { hits: 0, misses: 0, errors: 0 };
  onResult?: (query: string, hit: boolean) => void;
  private held?: HeldAnswers;

  constructor(
    private redis: Redis,
    private prefix: string,
    opts: { held?: HeldOptions } = {},
  ) {
    if (opts.held) this.held = new HeldAnswers(opts.held);
  }

  /** Forgets the answers this process holds (Redis keeps its own). */
  forgetHeld() {
    this.held?.clear();
  }

  key(query: string, checkpoints: Checkpoint[], input: unknown): string {
    // One string, one one-shot digest: a hasher object with four updates and a locale-aware sort of
    // the names took 6.1–7.2 µs of every cached read, this 3.3–3.9 µs (docs/benchmarks.md). The names
    // sort by code unit, which is as stable as the locale's order and all a key needs.
    const sorted = checkpoints.length > 1 ? [...checkpoints].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : checkpoints;
    let text = `${FORMAT}\0`;
    for (let i = 0; i < sorted.length; i++) {
      const c = sorted[i]!;
      text += `${i ? '|' : ''}${c.name}@${c.version}:${c.txId}:${c.position}`;
    }
    text += `\0${JSON.stringify(input ?? null)}`;
    return `${this.prefix}:q:${query}:${hash('sha1', text, 'base64url')}`;
  }

  /** GETs in flight, by key. */
  private reading = new Map<string, Promise<Buffer | null>>();

  /**
   * One GET per key at a time: a caller asking for a key that is being read shares that read and
   * its bytes (the entry under a key is the answer at the checkpoints the key names, so any reader
   * of the key may take it). Many clients polling one dashboard then cost one reply from Redis per
   * round trip, not one each. Those bytes are what a hit costs most beyond its fixed work: ioredis
   * holds each reply in an off-heap buffer (the socket's read chunk, or redis-parser's shared pool
   * when a reply spans two reads); under load those pile up off the heap faster than scavenges
   * release them, until V8's external-memory limit runs a full mark-compact of the whole heap
   * (docs/benchmarks.md, "Why analytics.products was slower"). A miss or an error is the sharers'
   * own, as if each had read alone: each counts it and loads.
   */
  private read(key: string): Promise<Buffer | null> {
    let pending = this.reading.get(key);
    if (!pending) {
      pending = this.redis.getBuffer(key).finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return pending;
  }

  /** The cached text as bytes, or what `load` makes (then stored); `hit` says which. */
  async textOrLoad(
    query: string,
    checkpoints: Checkpoint[],
    input: unknown,
    load: () => Promise<string | Buffer>,
  ): Promise<{ text: string | Buffer; hit: boolean }> {
    const key = this.key(query, checkpoints, input);
    let cached = this.held?.get(key) ?? null;
    if (cached === null) {
      try {
        cached = await this.read(key);
      } catch {
        this.stats.errors++;
      }
      if (cached !== null && this.held) cached = this.held.hold(key, cached);
    }
    if (cached !== null) {
      this.stats.hits++;
      this.onResult?.(query, true);
      return { text: cached, hit: true };
    }
    this.stats.misses++;
    this.onResult?.(query, false);
    const text = await load();
    // Written behind the answer: the caller does not wait for Redis to take it (a round trip less on
    // every miss, and no wait at all while Redis is down). A reader on another connection meanwhile
    // misses and loads the same answer; this connection's commands run in order, so its next GET of
    // the key finds it.
    this.redis.set(key, text, 'EX', CACHE_TTL_SECONDS).catch(() => {
      this.stats.errors++;
    });
    return { text, hit: false };
  }
}

export interface HeldOptions {
  /** How long an answer is served from this process after it was read from Redis. */
  ttlMs: number;
  /** The most bytes of answers held; the first held are dropped first. */
  maxBytes: number;
  /** The most answers held. */
  maxEntries: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Answers this process read from Redis lately, held as their bytes by key, so that a hot answer (a
 * dashboard many staff keep open, a view polled by another app) costs one Redis read per process per
 * `ttlMs`, not one per request: a hit then does no I/O at all. An entry's key names the checkpoints of
 * the projections its query reads, so a projection's advance asks for another key; rows that change
 * under unchanged checkpoints (a rebuild's swap, a dead letter applied) send a notice without one,
 * on which the services forget what is held (`forgetHeld`, wired in server/services.ts). Held only
 * from Redis hits, never from a load: with Redis down every call still loads, as before. The TTL bounds how long an answer outlives Redis's own
 * entry (60 s) by at most `ttlMs`. Each answer is copied into a buffer of its own size: ioredis
 * slices replies out of its socket chunks (~60 KB), and holding a slice would hold the whole chunk.
 */
class HeldAnswers {
  private entries = new Map<string, { bytes: Buffer; until: number }>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private opts: HeldOptions) {
    this.now = opts.now ?? Date.now;
  }

  get(key: string): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() < e.until) return e.bytes;
    this.drop(key, e.bytes);
    return undefined;
  }

  /** Holds `bytes` under `key` (a copy, when it fits), and returns what the caller should use. */
  hold(key: string, bytes: Buffer): Buffer {
    // One answer takes at most a sixteenth of the room, so a few large ones cannot flush the rest.
    if (bytes.length > this.opts.maxBytes / 16) return bytes;
    const prior = this.entries.get(key);
    // Callers that shared one GET hold its answer once.
    if (prior && this.now() < prior.until) return prior.bytes;
    if (prior) this.drop(key, prior.bytes);
    const own = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(own);
    this.entries.set(key, { bytes: own, until: this.now() + this.opts.ttlMs });
    this.bytes += own.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.opts.maxBytes && this.entries.size <= this.opts.maxEntries) break;
      this.drop(k, e.bytes);
    }
    return own;
  }

  clear() {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string, bytes: Buffer) {
    this.entries.delete(key);
    this.bytes -= bytes.length;
  }
}
