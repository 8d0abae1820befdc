import { createHash, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { orderLines, orders, products, users } from '@/db/schema';
import type { OrderState } from '@/server/domain/order';
import { streamId, type EventMetadata } from '@/server/domain/events';
import { activeTraceparent } from '@/server/tracing';
import { appendToStream } from './append';
import { runCommand } from './run';
import { paymentRefOf, parseHistoricalOrder, planHistoricalOrder, type HistoricalOrderInput } from './rules';
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

export { historicalOrderInput, type HistoricalOrderInput, type HistoricalOutcome } from './rules';

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
  const input = parseHistoricalOrder(raw, ctx.commandId);
  const commandId = ctx.commandId!;

  return runCommand(deps, ctx, 'orders.recordHistorical', async ({ tx, now }) => {
    const orderId = input.orderId ?? randomUUID();
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    const [existing] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId));
    // Locked in id order, so concurrent orders over the same products cannot deadlock.
    const ids = [...new Set(input.items.map((i) => i.productId))];
    const rows = await tx.select().from(products).where(inArray(products.id, ids)).orderBy(products.id).for('update');
    const { settledAt, final, stockAfter, groups } = planHistoricalOrder(input, {
      orderId,
      placedAt: now,
      userExists: !!user,
      orderExists: !!existing,
      products: rows,
    });

    await tx.insert(orders).values(historicalOrderRow(orderId, final, now, settledAt, groups));
    await tx.insert(orderLines).values(orderLineRows(orderId, final));
    for (const s of stockAfter) await tx.update(products).set({ onHand: s.onHand }).where(eq(products.id, s.productId));

    // The same metadata runCommand gives its own appends; appended here because each step keeps its own time.
    const traceparent = activeTraceparent() ?? ctx.traceparent;
    const metadata: EventMetadata = {
      correlationId: ctx.correlationId ?? commandId,
      causationId: ctx.causationId ?? null,
      commandId,
      actor: ctx.actor,
      ...(traceparent ? { traceparent } : {}),
    };
    let version = 0;
    let position = 0;
    for (const group of groups) {
      position = await appendToStream(tx, streamId.order(orderId), version, group.events, metadata, group.at);
      version += group.events.length;
    }
    return { orderId, status: final.status, totalCents: final.totalCents, position };
  });
}

/** The order row of a recorded order, in its final state (so the live saga never picks it up). */
export function historicalOrderRow(orderId: string, final: OrderState, placedAt: Date, settledAt: Date, groups: { events: unknown[] }[]) {
  return {
    id: orderId,
    userId: final.userId,
    status: final.status,
    totalCents: final.totalCents,
    currency: final.currency,
    paymentRef: paymentRefOf(orderId),
    cancelReason: final.cancelReason,
    placedAt,
    updatedAt: settledAt,
    version: groups.reduce((n, g) => n + g.events.length, 0),
  };
}

export const orderLineRows = (orderId: string, final: OrderState) =>
  final.lines.map((l, i) => ({
    orderId,
    lineNo: i + 1,
    productId: l.productId,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
  }));
