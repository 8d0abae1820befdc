import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueryCache } from '@/server/readside/cache';
import type { Checkpoint } from '@/server/readside/checkpoints';

/** A Redis stand-in: GETs are answered only when `release` is called, so callers can overlap. */
function fakeRedis(stored: Buffer | null | Error) {
  const pending: (() => void)[] = [];
  const calls = { get: 0, set: 0 };
  const redis = {
    getBuffer: () => {
      calls.get++;
      return new Promise<Buffer | null>((resolve, reject) =>
        pending.push(() => (stored instanceof Error ? reject(stored) : resolve(stored))),
      );
    },
    set: async () => {
      calls.set++;
      return 'OK';
    },
  };
  const release = () => pending.splice(0).forEach((f) => f());
  return { redis: redis as unknown as Redis, calls, release };
}

const checkpoints: Checkpoint[] = [{ name: 'analytics', version: 1, txId: 1n, position: 7 }];
const tick = () => new Promise((r) => setImmediate(r));

describe('QueryCache: callers of one key while its GET is in flight', () => {
  it('share that GET and its bytes; a later caller reads again', async () => {
    const bytes = Buffer.from('{"json":{"data":1}}');
    const { redis, calls, release } = fakeRedis(bytes);
    const cache = new QueryCache(redis, 'p');
    const load = async () => 'never';
    const a = cache.textOrLoad('q', checkpoints, { from: 'x' }, load);
    const b = cache.textOrLoad('q', checkpoints, { from: 'x' }, load);
    const other = cache.textOrLoad('q', checkpoints, { from: 'y' }, load); // another key: its own GET
    await tick();
    expect(calls.get).toBe(2);
    release();
    const [ra, rb] = await Promise.all([a, b, other]);
    expect(ra).toEqual({ text: bytes, hit: true });
    expect(rb.text).toBe(ra.text);
    expect(cache.stats).toEqual({ hits: 3, misses: 0, errors: 0 });

    const c = cache.textOrLoad('q', checkpoints, { from: 'x' }, load);
    await tick();
    expect(calls.get).toBe(3);
    release();
    expect((await c).hit).toBe(true);
  });

  it('each sharer of a miss or of a failed GET loads (and counts) as it would have alone', async () => {
    for (const stored of [null, new Error('redis down')]) {
      const { redis, calls, release } = fakeRedis(stored);
      const cache = new QueryCache(redis, 'p');
      let loads = 0;
      const load = async () => `loaded ${++loads}`;
      const both = Promise.all([cache.textOrLoad('q', checkpoints, 1, load), cache.textOrLoad('q', checkpoints, 1, load)]);
      await tick();
      release();
      const [a, b] = await both;
      expect(calls.get).toBe(1);
      expect([a.hit, b.hit]).toEqual([false, false]);
      expect(loads).toBe(2);
      expect(cache.stats.misses).toBe(2);
      expect(cache.stats.errors).toBe(stored === null ? 0 : 2);
    }
  });
});

describe('QueryCache: answers held in the process', () => {
  const load = async () => 'loaded';
  /** A cache whose Redis answers every GET with `stored` at once, counting them; a clock the test moves. */
  function heldCache(stored: Buffer | null | Error, held = { maxBytes: 1024 * 1024, maxEntries: 100 }) {
    const fake = fakeRedis(stored);
    const clock = { t: 0 };
    const redis = fake.redis as unknown as { getBuffer: () => Promise<Buffer | null> };
    const get = redis.getBuffer;
    redis.getBuffer = () => {
      const p = get();
      fake.release();
      return p;
    };
    const cache = new QueryCache(fake.redis, 'p', { held: { ttlMs: 5_000, ...held, now: () => clock.t } });
    return { cache, calls: fake.calls, clock };
  }

  it('a repeat within the TTL is a hit with no Redis GET, as the same bytes in a buffer of their own; after it, Redis is read again', async () => {
    const chunk = Buffer.from('xxxx{"json":{"data":1}}yyyy');
    const reply = chunk.subarray(4, chunk.length - 4); // as ioredis slices a reply out of its socket chunk
    const { cache, calls, clock } = heldCache(reply);
    const first = await cache.textOrLoad('q', checkpoints, 1, load);
    expect(first.hit).toBe(true);
    expect(calls.get).toBe(1);
    expect(first.text.toString()).toBe('{"json":{"data":1}}');
    expect((first.text as Buffer).buffer).not.toBe(chunk.buffer); // the chunk is not held
    clock.t = 4_999;
    const second = await cache.textOrLoad('q', checkpoints, 1, load);
    expect(second).toEqual({ text: first.text, hit: true });
    expect(calls.get).toBe(1);
    expect(cache.stats).toEqual({ hits: 2, misses: 0, errors: 0 });
    // Another key (a projection moved on, or another input) is not served from what is held.
    await cache.textOrLoad('q', [{ ...checkpoints[0]!, position: 8 }], 1, load);
    expect(calls.get).toBe(2);
    clock.t = 5_000;
    await cache.textOrLoad('q', checkpoints, 1, load);
    expect(calls.get).toBe(3);
  });

  it('holds nothing from a load: with Redis empty or down, every call loads', async () => {
    for (const stored of [null, new Error('redis down')]) {
      const { cache, calls } = heldCache(stored);
      let loads = 0;
      const counted = async () => `loaded ${++loads}`;
      await cache.textOrLoad('q', checkpoints, 1, counted);
      const again = await cache.textOrLoad('q', checkpoints, 1, counted);
      expect(again).toEqual({ text: 'loaded 2', hit: false });
      expect(calls.get).toBe(2);
      expect(cache.stats.hits).toBe(0);
    }
  });

  it('keeps within its bounds: the first held go first, an answer over a sixteenth of the room is not held, forgetHeld empties it', async () => {
    const { cache, calls } = heldCache(Buffer.alloc(100, 'a'), { maxBytes: 1_600, maxEntries: 3 });
    for (const input of [1, 2, 3, 4]) await cache.textOrLoad('q', checkpoints, input, load);
    expect(calls.get).toBe(4);
    await cache.textOrLoad('q', checkpoints, 4, load); // held
    await cache.textOrLoad('q', checkpoints, 2, load); // held
    expect(calls.get).toBe(4);
    await cache.textOrLoad('q', checkpoints, 1, load); // dropped when the fourth came
    expect(calls.get).toBe(5);
    cache.forgetHeld();
    await cache.textOrLoad('q', checkpoints, 4, load);
    expect(calls.get).toBe(6);

    const bytes = heldCache(Buffer.alloc(100, 'c'), { maxBytes: 1_600, maxEntries: 100 });
    for (let input = 1; input <= 17; input++) await bytes.cache.textOrLoad('q', checkpoints, input, load); // 1,700 bytes
    await bytes.cache.textOrLoad('q', checkpoints, 17, load);
    expect(bytes.calls.get).toBe(17);
    await bytes.cache.textOrLoad('q', checkpoints, 1, load); // the first held, dropped for room
    expect(bytes.calls.get).toBe(18);

    const big = heldCache(Buffer.alloc(100, 'b'), { maxBytes: 1_599, maxEntries: 10 }); // 100 > 1,599 / 16
    await big.cache.textOrLoad('q', checkpoints, 1, load);
    await big.cache.textOrLoad('q', checkpoints, 1, load);
    expect(big.calls.get).toBe(2);
  });
});
