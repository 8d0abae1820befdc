import { z } from 'zod';
import { decideUser, evolveUser, type UserCommand, type UserState } from '@/server/domain/user';
import { decideProduct, evolveProduct, type ProductCommand, type ProductState } from '@/server/domain/product';
import {
  decideOrder,
  evolveOrder,
  ORDER_LIMITS,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type ProductInfo,
} from '@/server/domain/order';
import { badRequest, conflict, notFound } from '@/server/domain/errors';

/**
 * The checks and state changes of the command handlers, as pure functions of the state a handler
 * loaded. A handler loads state for one command in its own transaction; runCommandBatch loads it
 * once for many and decides them in memory. Both call these, so a command is accepted or rejected
 * the same way, with the same message, whichever path runs it.
 */

export type Versioned<S> = S & { version: number };

/** A change to an existing user: the events and the user's state after them. */
export function changeOfUser(userId: string, state: Versioned<UserState> | null, command: UserCommand, now: Date) {
  if (!state) throw notFound(`User ${userId} does not exist`);
  const events = decideUser(command, state);
  if (events.length === 0) return { events, next: state };
  const next = events.reduce<UserState | null>((s, e) => evolveUser(s, e, now.toISOString()), state)!;
  return { events, next: { ...next, version: state.version + events.length } };
}

/** A change to an existing product: the events and the product's state after them. */
export function changeOfProduct(productId: string, state: Versioned<ProductState> | null, command: ProductCommand) {
  if (!state) throw notFound(`Product ${productId} does not exist`);
  const events = decideProduct(command, state);
  if (events.length === 0) return { events, next: state };
  const next = events.reduce<ProductState | null>((s, e) => evolveProduct(s, e), state)!;
  return { events, next: { ...next, version: state.version + events.length } };
}

export const emailTaken = (email: string) => conflict(`A user with email ${email} already exists`);
/** The message runCommand gives a unique violation of users_email_lower_key (an email change). */
export const emailChangeTaken = () => conflict('A user with this email already exists');
export const skuTaken = (sku: string) => conflict(`A product with SKU ${sku} already exists`);

const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;

export const historicalOrderInput = z
  .object({
    orderId: z.string().uuid().optional(),
    userId: z.string().uuid(),
    items: z
      .array(
        z.object({
          productId: z.string().uuid(),
          quantity: z.number().int().min(minQuantity).max(maxQuantity),
          /** The unit price actually charged then; used when `prices` is `given`. */
          unitPriceCents: z.number().int().positive().optional(),
        }),
      )
      .min(minLines)
      .max(maxLines),
    /** Accepted for the record's shape; a settled order's token is never stored (finding 8), only a reference. */
    paymentToken: z.string().min(1).max(200),
    outcome: z.enum(['completed', 'payment_failed', 'out_of_stock']),
    /**
     * `current`: the total comes from today's product prices, as for a live order. `given`: each
     * line keeps the `unitPriceCents` it was sold at — an import must reproduce the revenue that was
     * actually taken, not re-price years of orders at today's prices.
     */
    prices: z.enum(['current', 'given']).default('current'),
    /** When the order reached its final state (completion or cancellation); defaults to the placing time. */
    settledAt: z.date().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD'),
  })
  .refine((i) => i.prices === 'current' || i.items.every((l) => l.unitPriceCents !== undefined), {
    message: 'With prices "given", every item needs its unitPriceCents',
    path: ['items'],
  });

export type HistoricalOrderInput = z.input<typeof historicalOrderInput>;
export type HistoricalOrder = z.output<typeof historicalOrderInput>;
export type HistoricalOutcome = HistoricalOrderInput['outcome'];

/** Validates a historical order before any transaction: a bad one is a 400 with every issue named. */
export function parseHistoricalOrder(raw: HistoricalOrderInput, commandId: string | undefined): HistoricalOrder {
  const parsed = historicalOrderInput.safeParse(raw);
  if (!parsed.success)
    throw badRequest(`Invalid historical order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (!commandId) throw badRequest('A historical order needs a commandId, so that recording it twice records it once');
  return parsed.data;
}

/** The reference under which an order's payment token is held. */
export const paymentRefOf = (orderId: string) => `pref_${orderId}`;

const STEP_MS = 1000;

export interface HistoricalFacts {
  orderId: string;
  placedAt: Date;
  userExists: boolean;
  orderExists: boolean;
  /** The order's products that exist, as locked: price and stock now. */
  products: Versioned<ProductState>[];
}

/**
 * The whole life of an order that already happened, decided step by step by the real order
 * decider: the events with the time of each, the final state, and the on-hand stock of each
 * product after it (only a completed order takes stock). Throws the handler's errors, in its order.
 */
export function planHistoricalOrder(input: HistoricalOrder, facts: HistoricalFacts) {
  const { orderId, placedAt } = facts;
  const settledAt = input.settledAt ?? placedAt;
  if (settledAt < placedAt)
    throw badRequest(`An order cannot settle (${settledAt.toISOString()}) before it was placed (${placedAt.toISOString()})`);
  if (!facts.userExists) throw notFound(`User ${input.userId} does not exist`);
  if (facts.orderExists) throw conflict(`Order ${orderId} already exists`);
  const priceOf = new Map(input.items.map((i) => [i.productId, i.unitPriceCents]));
  const info: ProductInfo[] = facts.products.map((p) => ({
    id: p.id,
    sku: p.sku,
    name: p.name,
    available: p.onHand - p.reserved,
    priceCents: input.prices === 'given' ? priceOf.get(p.id)! : p.priceCents,
  }));

  // Each step: decide against the state so far, evolve, and remember when it happened.
  let state: OrderState | null = null;
  let stepNo = 0;
  const timeline: { event: OrderEvent; at: Date }[] = [];
  const step = (command: OrderCommand, final = false) => {
    const at = final ? settledAt : new Date(Math.min(placedAt.getTime() + stepNo * STEP_MS, settledAt.getTime()));
    stepNo += 1;
    const events = decideOrder(command, state);
    for (const event of events) {
      state = evolveOrder(state, event);
      timeline.push({ event, at });
    }
    return events;
  };
  const chargeId = `hist_${orderId}`;

  step({
    type: 'PlaceOrder',
    data: {
      orderId,
      userId: input.userId,
      items: input.items,
      paymentRef: paymentRefOf(orderId),
      currency: input.currency,
      products: info,
    },
  });
  if (input.outcome === 'payment_failed') {
    step({ type: 'ProcessPayment', data: { orderId, outcome: { ok: false, reason: 'declined' } } });
    step({ type: 'CancelOrder', data: { orderId, reason: 'payment_failed' } }, true);
  } else if (input.outcome === 'out_of_stock') {
    step({ type: 'ProcessPayment', data: { orderId, outcome: { ok: true, chargeId } } });
    // The shop had none left of the first line's product at the time.
    const soldOut = input.items[0]!.productId;
    step({ type: 'ReserveInventory', data: { orderId, products: info.map((p) => (p.id === soldOut ? { ...p, available: 0 } : p)) } });
    step({ type: 'RefundPayment', data: { orderId } }, true);
    step({ type: 'CancelOrder', data: { orderId, reason: 'out_of_stock' } }, true);
  } else {
    step({ type: 'ProcessPayment', data: { orderId, outcome: { ok: true, chargeId } } });
    const reserved = step({ type: 'ReserveInventory', data: { orderId, products: info } });
    const answer = reserved[0];
    const short = answer?.type === 'InventoryUnavailable' ? answer.data.shortages : [];
    if (short.length) {
      throw conflict(
        `Not enough stock to record completed order ${orderId}: ${short.map((s) => `${s.productId} has ${s.available}, needs ${s.requested}`).join('; ')}`,
      );
    }
    step({ type: 'CompleteOrder', data: { orderId } }, true);
  }
  const final = state as OrderState | null;
  if (!final) throw new Error(`Order ${orderId} has no state after its events`);
  // Reserved and then shipped: on hand goes down, reserved ends where it was.
  const onHand = new Map(facts.products.map((p) => [p.id, p.onHand]));
  const stockAfter =
    final.status === 'completed' ? final.lines.map((l) => ({ productId: l.productId, onHand: onHand.get(l.productId)! - l.quantity })) : [];
  return { settledAt, timeline, final, stockAfter, groups: byTime(timeline) };
}

/** Consecutive events that happened at the same moment, appended together. */
function byTime(timeline: { event: OrderEvent; at: Date }[]) {
  const groups: { at: Date; events: OrderEvent[] }[] = [];
  for (const { event, at } of timeline) {
    const last = groups[groups.length - 1];
    if (last && last.at.getTime() === at.getTime()) last.events.push(event);
    else groups.push({ at, events: [event] });
  }
  return groups;
}
