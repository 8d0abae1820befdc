import { describe, expect, it } from 'vitest';
import { badCharacter, inputProblem, MAX_DEPTH } from '@/server/domain/input-hygiene';

/** A value nested `levels` deep under `a` keys, ending in `leaf`. */
const nested = (levels: number, leaf: unknown): unknown => (levels === 0 ? leaf : { a: nested(levels - 1, leaf) });

describe('input hygiene', () => {
  it('accepts ordinary text, emoji (a surrogate pair) and every field of a clean input', () => {
    expect(badCharacter('Zoë Ångström 😀')).toBeNull();
    expect(inputProblem({ from: '2026-11-01', to: '2026-11-30', n: 3, ok: true, items: [{ q: 'x' }] })).toBeNull();
  });

  it('names a NUL and a lone surrogate, with the path to the field', () => {
    expect(inputProblem({ user: { name: 'a\u0000b' } })).toBe('user.name: contains a NUL character (\\u0000); remove it');
    expect(inputProblem({ items: [{ q: 'ok' }, { q: 'x\uD800' }] })).toMatch(/^items\.1\.q: contains a broken character/);
    expect(inputProblem({ q: '\uDC00y' })).toMatch(/^q: contains a broken character/);
    expect(inputProblem('\uD83D')).toMatch(/^contains a broken character/);
  });

  it('names a bad field name at its parent', () => {
    expect(inputProblem({ outer: { ['k\u0000']: 1 } })).toBe('outer: a field name contains a NUL character (\\u0000); remove it');
  });

  it('reports the first problem in property order (integer keys first), a bad field name before its value', () => {
    expect(inputProblem({ b: 'x\u0000', 1: 'y\u0000' })).toMatch(/^1: contains a NUL/);
    expect(inputProblem({ ['k\u0000']: 'v\u0000' })).toMatch(/^a field name contains a NUL/);
  });

  it('refuses a value past the depth limit, a number as much as an object', () => {
    expect(inputProblem(nested(MAX_DEPTH, 1))).toBeNull();
    const tooDeep = inputProblem(nested(MAX_DEPTH + 1, 1));
    expect(tooDeep).toMatch(/nested too deeply/);
    expect(
      tooDeep?.startsWith(
        `${Array(MAX_DEPTH + 1)
          .fill('a')
          .join('.')}: `,
      ),
    ).toBe(true);
    expect(inputProblem(nested(MAX_DEPTH + 1, {}))).toMatch(/nested too deeply/);
  });
});
