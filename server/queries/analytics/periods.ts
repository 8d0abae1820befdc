/** Day ranges of the analytics queries: days are YYYY-MM-DD in UTC, both ends included. */
export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number) => new Date(toMs(day) + n * DAY_MS).toISOString().slice(0, 10);
export const daysIn = (p: Period) => Math.round((toMs(p.to) - toMs(p.from)) / DAY_MS) + 1;

/** The period of the same length that ends the day before `p` starts. */
export function previousPeriod(p: Period): Period {
  const n = daysIn(p);
  return { from: addDays(p.from, -n), to: addDays(p.from, -1) };
}

/** Every day of the period, in order. */
export function daysOf(p: Period): string[] {
  const n = daysIn(p);
  return Array.from({ length: Math.max(0, n) }, (_, i) => addDays(p.from, i));
}

/** The current UTC day, and the span of clock readings it covers. */
let today = { day: '', from: 0, until: 0 };

/**
 * Today's UTC day. Several cached queries ask for it on every call (it is part of their cache key),
 * so the string is made once a day: a call reads the clock only, and makes the day again when the
 * reading falls outside the day it holds (past midnight, or a clock set back). Under `npm start`
 * Next's clock extension wraps `Date` (a construction checks two async-local stores before it
 * happens): `new Date().toISOString()` took about 6 µs of a ~120 µs cached read in a profile
 * (docs/benchmarks.md).
 */
export function todayUtc(): string {
  const now = Date.now();
  if (now >= today.from && now < today.until) return today.day;
  const day = new Date(now).toISOString().slice(0, 10);
  const from = toMs(day);
  today = { day, from, until: from + DAY_MS };
  return day;
}
