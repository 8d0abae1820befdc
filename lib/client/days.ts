/** Days are YYYY-MM-DD in UTC, as in the API. */

export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function today(): string {
  return dayOf(new Date());
}

export function daysAgo(n: number, from = new Date()): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - n);
  return dayOf(d);
}

export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The first instant of a day, and the first instant after it, as ISO timestamps. */
export const startOfDay = (day: string) => `${day}T00:00:00.000Z`;
export const endOfDay = (day: string) => `${daysAgo(-1, new Date(`${day}T00:00:00Z`))}T00:00:00.000Z`;
