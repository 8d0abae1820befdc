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
