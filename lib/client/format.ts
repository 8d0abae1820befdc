/** Display helpers. Money is integer cents; times are shown in UTC, as the API reports them. */
import { HOME_CURRENCY, orderCurrencies } from '@/server/domain/contracts';

export function money(cents: number | null | undefined, currency = 'USD'): string {
  if (cents === null || cents === undefined) return '—';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}

/**
 * Amounts kept per currency (`{ USD: 1200, EUR: 1000 }` → "$12.00 · €10.00"), home currency first;
 * never a sum across currencies. Nothing at all shows as zero in the home currency.
 */
export function moneyByCurrency(byCurrency: Record<string, number>): string {
  const currencies = orderCurrencies(Object.keys(byCurrency));
  if (currencies.length === 0) return money(0, HOME_CURRENCY);
  return currencies.map((c) => money(byCurrency[c], c)).join(' · ');
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat('en-US').format(n);
}

/** A rate given as a fraction: 0.125 → "12.5%". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function dateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function isoTime(value: string | Date | null | undefined): string | undefined {
  if (!value) return undefined;
  const d = toDate(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A string field of an event's metadata (shape varies by schema version). */
export function metaField(metadata: unknown, key: string): string | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const v = (metadata as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}
