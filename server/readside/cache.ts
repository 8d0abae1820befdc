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

  constructor(
    private redis: Redis,
    private prefix: string,
  ) {}

  key(query: string, checkpoints: Checkpoint[], input: unknown): string {
    // One string, one one-shot digest: a hasher object with four updates, and a locale-aware sort of
    // the names, took about 4.7 µs of every cached read; this takes about 1.5 µs. The names sort by
    // code unit, which is as stable as the locale's order and all a key needs.
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
    let cached: Buffer | null = null;
    try {
      cached = await this.read(key);
    } catch {
      this.stats.errors++;
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
