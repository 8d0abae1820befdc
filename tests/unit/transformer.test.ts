import { describe, expect, it } from 'vitest';
import superjson from 'superjson';
import { transformer } from '@/server/api/transformer';
import { inputProblem } from '@/server/domain/input-hygiene';

/**
 * A payload superjson would revive into a chain of `n` arrays, each holding the next one twice:
 * 2^(n-1) paths through n objects, from about 12 characters a level.
 */
function sharedChain(n: number) {
  const json = Array.from({ length: n }, () => [] as unknown[]);
  const referentialEqualities: Record<string, string[]> = {};
  for (let i = 1; i < n; i++) referentialEqualities[String(i)] = [`${i - 1}.0`, `${i - 1}.1`];
  return { json, meta: { referentialEqualities } };
}

describe("the API's transformer", () => {
  it('reads an input as the tree its JSON is: shared references are not revived, so walking it is linear', () => {
    const payload = sharedChain(40);
    expect(JSON.stringify(payload).length).toBeLessThan(1000);
    // superjson itself makes the graph (checked on a small chain: 2 paths per level).
    const graph = superjson.deserialize(sharedChain(3) as never) as unknown[][];
    expect(graph[0]![0]).toBe(graph[0]![1]);
    const input = transformer.input.deserialize(payload) as unknown[][];
    expect(input).toHaveLength(40);
    expect(input.every((a) => Array.isArray(a) && a.length === 0)).toBe(true);
    // Over the graph this walk would take 2^39 steps; over the tree it is 41.
    expect(inputProblem(input)).toBeNull();
  });

  it("a client's repeated object arrives with the same values; dates and other revived values still come back", () => {
    const shared = { sku: 'SKU-1', quantity: 2 };
    const at = new Date('2026-12-01T10:00:00.000Z');
    const payload = superjson.serialize({ a: shared, b: shared, at });
    expect(payload.meta?.referentialEqualities).toBeDefined();
    const input = transformer.input.deserialize(JSON.parse(JSON.stringify(payload))) as { a: unknown; b: unknown; at: unknown };
    expect(input).toEqual({ a: shared, b: shared, at });
    expect(input.a).not.toBe(input.b);
    expect(input.at).toBeInstanceOf(Date);
  });

  it('serialises answers as superjson does (the typed client reads them with superjson)', () => {
    const answer = { data: { day: '2026-12-01', at: new Date(0), n: 1n }, freshness: { position: 3, stale: false } };
    expect(transformer.output.serialize(answer)).toEqual(superjson.serialize(answer));
    expect(superjson.deserialize(transformer.output.serialize(answer) as never)).toEqual(answer);
  });
});

describe("the API's transformer, collections", () => {
  it('leaves a Set or a Map in an input as its arrays (no input of this API is one), other annotations applied', () => {
    const payload = superjson.serialize({ s: new Set([1, 2]), m: new Map([['k', 1]]), q: undefined, at: new Date(0) });
    const input = transformer.input.deserialize(JSON.parse(JSON.stringify(payload))) as Record<string, unknown>;
    expect(input.s).toEqual([1, 2]);
    expect(input.m).toEqual([['k', 1]]);
    // Without the Set's annotations, none of the input's are applied: q stays null, at a string.
    expect(input.q).toBeNull();
    expect(input.at).toBe('1970-01-01T00:00:00.000Z');
    // An input without a Set or a Map keeps its annotations (undefined fields, as react-query sends them).
    const plain = transformer.input.deserialize(JSON.parse(JSON.stringify(superjson.serialize({ cursor: undefined, n: 1 })))) as object;
    expect(plain).toEqual({ cursor: undefined, n: 1 });
    expect('cursor' in plain).toBe(true);
  });

  it('a body of one large Set and an annotation per element is read without walking the Set once per annotation', () => {
    const n = 20_000;
    const values: Record<string, unknown> = { s: ['set'] };
    for (let i = 0; i < n; i++) values[`s.${i}`] = ['number'];
    const payload = { json: { s: Array.from({ length: n }, (_, i) => String(i)) }, meta: { values, v: 1 } };
    // superjson itself would take n²/2 = 2·10^8 steps here; read as arrays it is one pass.
    const input = transformer.input.deserialize(payload) as { s: unknown[] };
    expect(input.s).toHaveLength(n);
    expect(input.s[0]).toBe('0');
  });
});
