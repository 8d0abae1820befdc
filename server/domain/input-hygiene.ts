/**
 * Strings Postgres cannot store and people never mean (finding 6): a NUL (text and jsonb refuse
 * it, and the failed query used to answer 500) and an unpaired UTF-16 surrogate (half of a
 * character; jsonb refuses it, text would silently store U+FFFD). Checked on every procedure's
 * raw input before validation, with the path to the field in the message.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const MAX_DEPTH = 32;

/** Why a string cannot be accepted, or null. */
export function badCharacter(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000); remove it';
  if (LONE_SURROGATE.test(s)) return 'contains a broken character (an unpaired UTF-16 surrogate); type it again';
  return null;
}

/** The first problem in an input (a bad string or too deep a nesting), as `path: what to do`, or null. */
export function inputProblem(value: unknown, path: (string | number)[] = [], depth = 0): string | null {
  const at = () => (path.length ? `${path.join('.')}: ` : '');
  if (depth > MAX_DEPTH) return `${at()}the input is nested too deeply (more than ${MAX_DEPTH} levels); send a flatter object`;
  if (typeof value === 'string') {
    const why = badCharacter(value);
    return why ? `${at()}${why}` : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = inputProblem(value[i], [...path, i], depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const why = badCharacter(k);
      if (why) return `${at()}a field name ${why}`;
      const p = inputProblem(v, [...path, k], depth + 1);
      if (p) return p;
    }
  }
  return null;
}
