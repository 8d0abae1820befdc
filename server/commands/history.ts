import { createHash, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { orderLines, orders, products, users } from '@/db/schema';
import { decideOrder, evolveOrder, ORDER_LIMITS, type OrderCommand, type OrderEvent, type OrderState, type ProductInfo } from '@/server/domain/order';
import { streamId, type EventMetadata } from '@/server/domain/events';
import { badRequest, conflict, notFound } from '@/server/domain/errors';
import { activeTraceparent } from '@/server/tracing';
import { appendToStream } from './append';
import { runCommand } from './run';
import { paymentRefOf } from './orders';
import type { CommandContext, CommandDeps } from './context';

/**
 * A UUID derived from a name (RFC 4122 version 5 layout over SHA-1, in our own namespace), for ids
 * and commandIds of recorded history: the same name always gives the same id, so re-running a
 * demo load or an import finds its earlier commands and records nothing twice.
 */
export function historicalId(name: string): string {
  const h = createHash('sha1').update('ledgerline-history\0').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;

export const historicalOrderInput = z.object({
  orderId: z.string().uuid().optional(),
  userId: z.string().uuid(),
  items: z.array(z.object({
    productId: z.string().uuid(),
    quantity: z.number().int().min(minQuantity).max(maxQuantity),
    /** The unit price actually charged then; used when `prices` is `given`. */
    unitPriceCents: z.number().int().positive().optional(),
  })).min(minLines).max(maxLines),
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
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
}).refine((i) => i.prices === 'current' || i.items.every((l) => l.unitPriceCents !== undefined), {
  message: 'With prices "given", every item needs its unitPriceCents', path: ['items'],
});

export type HistoricalOrderInput = z.input<typeof historicalOrderInput>;
export type HistoricalOutcome = HistoricalOrderInput['outcome'];

const STEP_MS = 1000;

/**
 * Records an order that already happened, at the time given by `ctx.now` (placed) and
 * `settledAt` (finished), in one transaction. It goes through the real decider step by step, so
 * the stream holds exactly the events the live saga would have produced:
 * completed: OrderPlaced → PaymentProcessed → InventoryReserved → OrderCompleted;
 * payment_failed: OrderPlaced → PaymentFailed → OrderCancelled;
 * out_of_stock: OrderPlaced → PaymentProcessed → InventoryUnavailable → PaymentRefunded → OrderCancelled.
 * The order row is written in its final state, so the live saga (which acts only on pending
 * orders) never charges it. Nothing is charged at the payment gateway: this is history.
 * Requires `ctx.commandId`: history is recorded exactly once.
 */
export async function recordHistoricalOrder(deps: CommandDeps, ctx: CommandContext, raw: HistoricalOrderInput) {
  const parsed = historicalOrderInput.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid historical order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const input = parsed.data;
  if (!ctx.commandId) throw badRequest('A historical order needs a commandId, so that recording it twice records it once');
  const commandId = ctx.commandId;

  return runCommand(deps, ctx, 'orders.recordHistorical', async ({ tx, now }) => {
    const placedAt = now;
    const settledAt = input.settledAt ?? now;
    if (settledAt < placedAt) throw badRequest(`An order cannot settle (${settledAt.toISOString()}) before it was placed (${placedAt.toISOString()})`);
    const orderId = input.orderId ?? randomUUID();

    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    if (!user) throw notFound(`User ${input.userId} does not exist`);
    const [existing] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId));
    if (existing) throw conflict(`Order ${orderId} already exists`);
    // Locked in id order, so concurrent orders over the same products cannot deadlock.
    const ids = [...new Set(input.items.map((i) => i.productId))];
    const rows = await tx.select().from(products).where(inArray(products.id, ids)).orderBy(products.id).for('update');
    const priceOf = new Map(input.items.map((i) => [i.productId, i.unitPriceCents]));
    const info: ProductInfo[] = rows.map((p) => ({
      id: p.id, sku: p.sku, name: p.name, available: p.onHand - p.reserved,
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

    step({ type: 'PlaceOrder', data: { orderId, userId: input.userId, items: input.items, paymentRef: paymentRefOf(orderId), currency: input.currency, products: info } });
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
        throw conflict(`Not enough stock to record completed order ${orderId}: ${short.map((s) => `${s.productId} has ${s.available}, needs ${s.requested}`).join('; ')}`);
      }
      step({ type: 'CompleteOrder', data: { orderId } }, true);
    }
    const final = state as OrderState | null;
    if (!final) throw new Error(`Order ${orderId} has no state after its events`);

    await tx.insert(orders).values({
      id: orderId, userId: final.userId, status: final.status, totalCents: final.totalCents, currency: final.currency,
      paymentRef: paymentRefOf(orderId), cancelReason: final.cancelReason, placedAt, updatedAt: settledAt, version: timeline.length,
    });
    await tx.insert(orderLines).values(final.lines.map((l, i) => ({
      orderId, lineNo: i + 1, productId: l.productId, quantity: l.quantity, unitPriceCents: l.unitPriceCents,
    })));
    if (final.status === 'completed') {
      // Reserved and then shipped: on hand goes down, reserved ends where it was.
      const onHand = new Map(rows.map((p) => [p.id, p.onHand]));
      for (const l of final.lines) {
        await tx.update(products).set({ onHand: onHand.get(l.productId)! - l.quantity }).where(eq(products.id, l.productId));
      }
    }

    // The same metadata runCommand gives its own appends; appended here because each step keeps its own time.
    const traceparent = activeTraceparent() ?? ctx.traceparent;
    const metadata: EventMetadata = {
      correlationId: ctx.correlationId ?? commandId, causationId: ctx.causationId ?? null, commandId, actor: ctx.actor,
      ...(traceparent ? { traceparent } : {}),
    };
    let version = 0;
    let position = 0;
    for (const group of byTime(timeline)) {
      position = await appendToStream(tx, streamId.order(orderId), version, group.events, metadata, group.at);
      version += group.events.length;
    }
    return { orderId, status: final.status, totalCents: final.totalCents, position };
  });
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
