/**
 * Strings Postgres cannot store and people never mean (finding 6): a NUL (text and jsonb refuse
 * it, and the failed query used to answer 500) and an unpaired UTF-16 surrogate (half of a
 * character; jsonb refuses it, text would silently store U+FFFD). Checked on every procedure's
 * raw input before validation, with the path to the field in the message.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const MAX_DEPTH = 32;

/**
 * String.prototype.isWellFormed (ES2024; Node 20 has it), typed here rather than through the
 * compiler's ES2024 library: apps that use the typed client compile this file with their own
 * settings (examples/order-report targets ES2023).
 */
const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be accepted, or null. */
export function badCharacter(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000); remove it';
  // A well-formed string has no lone surrogate: the common case in a native scan, without the
  // regular expression (0.25 against 3.2 µs for a range input, docs/benchmarks.md).
  if (isWellFormed(s)) return null;
  if (LONE_SURROGATE.test(s)) return 'contains a broken character (an unpaired UTF-16 surrogate); type it again';
  return null;
}

/** The first problem in an input (a bad string or too deep a nesting), as `path: what to do`, or null. */
export function inputProblem(value: unknown): string | null {
  return problemAt(value, 0, undefined);
}

/** Where a value sits in the input: its key and its parent's place, a path made only for a message. */
type Place = { key: string | number; up: Place | undefined } | undefined;

function pathOf(place: Place): string {
  const keys: (string | number)[] = [];
  for (let p = place; p; p = p.up) keys.unshift(p.key);
  return keys.length ? `${keys.join('.')}: ` : '';
}

function problemAt(value: unknown, depth: number, place: Place): string | null {
  if (depth > MAX_DEPTH) return `${pathOf(place)}the input is nested too deeply (more than ${MAX_DEPTH} levels); send a flatter object`;
  if (typeof value === 'string') {
    const why = badCharacter(value);
    return why ? `${pathOf(place)}${why}` : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = problemAt(value[i], depth + 1, { key: i, up: place });
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const why = badCharacter(k);
      if (why) return `${pathOf(place)}a field name ${why}`;
      const v = (value as Record<string, unknown>)[k];
      // Only strings, containers and what sits past the depth limit can be a problem: a number or a
      // boolean within it needs no call.
      if (typeof v === 'string' || (typeof v === 'object' && v !== null) || depth + 1 > MAX_DEPTH) {
        const p = problemAt(v, depth + 1, { key: k, up: place });
        if (p) return p;
      }
    }
  }
  return null;
}
