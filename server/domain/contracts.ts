import { z } from 'zod';

/**
 * The pieces of the API's contract that the server and the portal's forms both need: limits, the
 * order statuses, currency codes and stream ids. Pure (zod only), so a client component may import
 * it at runtime (the one server/ module it may: see eslint.config.js) and a form checks exactly
 * what the router will.
 */

/** How large an order may be. The decider enforces these; the router and the form say them first. */
export const ORDER_LIMITS = { minLines: 1, maxLines: 50, minQuantity: 1, maxQuantity: 1000 } as const;

export const ORDER_STATUSES = ['pending', 'paid', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const orderStatus = z.enum(ORDER_STATUSES);

/** An ISO 4217 currency code. */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'Currency is an ISO 4217 code such as USD');

/** The shop's home currency: shown first, and the default of a view that shows one currency. */
export const HOME_CURRENCY = 'USD';
/** The home currency first, then the others in order: how every view lists currencies. */
export const orderCurrencies = (currencies: Iterable<string>) =>
  [...new Set(currencies)].sort((a, b) => (a === HOME_CURRENCY ? -1 : b === HOME_CURRENCY ? 1 : a.localeCompare(b)));

/** A quantity on one order line. */
export const orderQuantity = z
  .number()
  .int('Quantity is a whole number')
  .min(ORDER_LIMITS.minQuantity, `Quantity is at least ${ORDER_LIMITS.minQuantity}`)
  .max(ORDER_LIMITS.maxQuantity, `Quantity is at most ${ORDER_LIMITS.maxQuantity}`);

/** The event stream each aggregate writes to; the events explorer and the timeline filter by it. */
export const streamId = {
  user: (id: string) => `user-${id}`,
  product: (id: string) => `product-${id}`,
  order: (id: string) => `order-${id}`,
};

/** How far a bulk load is, in whole percents: 100 only once every event is written. */
export function percentOf(done: number, total: number): number {
  if (total <= 0 || done >= total) return 100;
  return Math.floor((done / total) * 100);
}
