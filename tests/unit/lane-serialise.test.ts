/**
 * The procedure lane's serialisation (server/http/procedure-lane.ts) skips superjson's walk for a
 * flat plain object of JSON-safe values; its text must be superjson's, byte for byte, for every
 * value, and superjson must still serialise (or refuse) everything else.
 */
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serialised } from '@/server/http/procedure-lane';

const superjsonText = (v: unknown) => JSON.stringify(superjson.serialize(v));

describe('serialised', () => {
  it('is superjson’s text for flat, nested, special and odd values', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const withGetter = Object.defineProperty({ a: 1 }, 'b', { enumerable: true, get: () => 'got' });
    const values: unknown[] = [
      { userId: '7f9c0000-0000-4000-8000-000000000000', position: 42 },
      { ok: true, none: null, text: 'a "quoted" \u2028 line', n: 1.5, big: 1e300 },
      {},
      { '1': 'one', b: 2, '0': 'zero' },
      withGetter,
      Object.assign(Object.create(null) as object, { a: 1 }),
      { negZero: -0 },
      { nan: NaN, inf: Infinity },
      { missing: undefined },
      { when: new Date(0) },
      { nested: { a: 1 } },
      { list: [1, 2] },
      { n: 10n },
      [1, 'two'],
      'text',
      7,
      null,
      new Point(1),
      new Map([['a', 1]]),
    ];
    for (const v of values) expect(serialised(v)).toBe(superjsonText(v));
  });

  it('refuses, as superjson does, the names that could pollute a prototype', () => {
    const polluting = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    expect(() => superjsonText(polluting)).toThrow();
    expect(() => serialised(polluting)).toThrow();
    expect(() => serialised({ constructor: 'x' })).toThrow();
  });
});
