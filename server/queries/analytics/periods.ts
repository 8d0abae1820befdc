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

export const todayUtc = () => new Date().toISOString().slice(0, 10);
