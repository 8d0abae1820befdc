import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { orders, products } from '@/db/schema';
import {
  decideOrder,
  evolveOrder,
  type CancelReason,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type ProductInfo,
} from '@/server/domain/order';
import { streamId } from '@/server/domain/events';
import { upcast } from '@/server/domain/upcasters';
import { notFound } from '@/server/domain/errors';
import { runCommandInTx } from '@/server/commands/run';
import type { CommandContext } from '@/server/commands/context';

/**
 * The saga's commands on an order. Each runs inside the caller's transaction (the process
 * manager's, or a saga job's): lock the order row, fold its stream into the decider's state,
 * decide, move stock, write the row and append the events with the saga's metadata.
 */

/** Who asks: by default actor `saga`, the order's correlation id and, as cause, the last event on its stream. */
export type SagaContext = Partial<CommandContext>;

export interface SagaCommandResult {
  position: number;
  events: OrderEvent['type'][];
}

export interface LoadedOrder {
  state: OrderState;
  version: number;
  correlationId: string;
  lastEventId: string;
}

/** Locks the order row and folds its stream (the row does not hold the charged/reserved/refunded flags). */
export async function loadOrderForUpdate(tx: Tx, orderId: string): Promise<LoadedOrder> {
  const [row] = await tx.select({ version: orders.version }).from(orders).where(eq(orders.id, orderId)).for('update');
  if (!row) throw notFound(`Order ${orderId} does not exist`);
  const stored = await tx.execute<{ event_id: string; type: string; schema_version: number; data: unknown; correlation_id: string }>(sql`
    SELECT event_id, type, schema_version, data, metadata->>'correlationId' AS correlation_id
    FROM events WHERE stream_id = ${streamId.order(orderId)} ORDER BY stream_version`);
  if (stored.length !== row.version)
    throw new Error(`Order ${orderId} is at version ${row.version} but its stream has ${stored.length} events`);
  let state: OrderState | null = null;
  for (const e of stored) state = evolveOrder(state, upcast(e.type, e.schema_version, e.data) as OrderEvent);
  const first = stored[0];
  const last = stored[stored.length - 1];
  if (!state || !first || !last) throw new Error(`Order ${orderId} has no OrderPlaced event`);
  return { state, version: row.version, correlationId: first.correlation_id, lastEventId: last.event_id };
}

/** A change of one product's stock (snake_case: it goes to SQL as a JSON record). */
type StockMove = { product_id: string; on_hand: number; reserved: number };

/** Locks the products in id order (so two orders over the same products cannot deadlock). */
async function lockProducts(tx: Tx, ids: string[]): Promise<ProductInfo[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select().from(products).where(inArray(products.id, ids)).orderBy(products.id).for('update');
  return rows.map((p) => ({ id: p.id, sku: p.sku, name: p.name, priceCents: p.priceCents, available: p.onHand - p.reserved }));
}

/** Applies stock deltas; the CHECK (0 <= reserved <= on_hand) is the last line of defence against overselling. */
async function moveStock(tx: Tx, moves: StockMove[]) {
  if (moves.length === 0) return;
  await lockProducts(
    tx,
    moves.map((m) => m.product_id),
  );
  const updated = await tx.execute(sql`
    UPDATE products p SET on_hand = p.on_hand + v.on_hand, reserved = p.reserved + v.reserved
    FROM jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) AS v(product_id uuid, on_hand int, reserved int)
    WHERE p.id = v.product_id
    RETURNING p.id`);
  if (updated.length !== moves.length) throw new Error(`Stock move touched ${updated.length} of ${moves.length} products`);
}

function stockMoves(events: OrderEvent[]): StockMove[] {
  const moves: StockMove[] = [];
  for (const e of events) {
    if (e.type === 'InventoryReserved')
      moves.push(...e.data.lines.map((l) => ({ product_id: l.productId, on_hand: 0, reserved: l.quantity })));
    if (e.type === 'OrderCompleted')
      moves.push(...e.data.lines.map((l) => ({ product_id: l.productId, on_hand: -l.quantity, reserved: -l.quantity })));
    if (e.type === 'OrderCancelled')
      moves.push(...e.data.released.map((l) => ({ product_id: l.productId, on_hand: 0, reserved: -l.quantity })));
  }
  // One record per product: an UPDATE … FROM applies only one source row per target row.
  const byProduct = new Map<string, StockMove>();
  for (const m of moves) {
    const seen = byProduct.get(m.product_id);
    if (seen) {
      seen.on_hand += m.on_hand;
      seen.reserved += m.reserved;
    } else byProduct.set(m.product_id, { ...m });
  }
  return [...byProduct.values()];
}

async function runSagaCommand(
  tx: Tx,
  ctx: SagaContext,
  commandType: string,
  orderId: string,
  command: (order: LoadedOrder) => Promise<OrderCommand> | OrderCommand,
): Promise<SagaCommandResult> {
  const order = await loadOrderForUpdate(tx, orderId);
  const context: CommandContext = {
    ...ctx,
    actor: ctx.actor ?? 'saga',
    correlationId: ctx.correlationId ?? order.correlationId,
    causationId: ctx.causationId ?? order.lastEventId,
  };
  return runCommandInTx(tx, context, commandType, async ({ now, append }) => {
    const events = decideOrder(await command(order), order.state);
    const next = events.reduce<OrderState | null>((s, e) => evolveOrder(s, e), order.state)!;
    await moveStock(tx, stockMoves(events));
    await tx
      .update(orders)
      .set({ status: next.status, cancelReason: next.cancelReason, version: order.version + events.length, updatedAt: now })
      .where(eq(orders.id, orderId));
    const position = await append(streamId.order(orderId), order.version, events);
    return { position, events: events.map((e) => e.type) };
  });
}

export type PaymentOutcome = { ok: true; chargeId: string } | { ok: false; reason: string };

/** Records the gateway's answer: PaymentProcessed or PaymentFailed (only for a pending order). */
export function processPayment(tx: Tx, ctx: SagaContext, input: { orderId: string; outcome: PaymentOutcome }) {
  return runSagaCommand(tx, ctx, 'saga.processPayment', input.orderId, () => ({ type: 'ProcessPayment', data: input }));
}

/** Reserves every line or none: InventoryReserved (and products.reserved goes up) or InventoryUnavailable. */
export function reserveInventory(tx: Tx, ctx: SagaContext, input: { orderId: string }) {
  return runSagaCommand(tx, ctx, 'saga.reserveInventory', input.orderId, async (order) => ({
    type: 'ReserveInventory',
    data: {
      orderId: input.orderId,
      products: await lockProducts(
        tx,
        order.state.lines.map((l) => l.productId),
      ),
    },
  }));
}

/** Ships a paid, reserved order: on hand and reserved both go down by its lines. */
export function completeOrder(tx: Tx, ctx: SagaContext, input: { orderId: string }) {
  return runSagaCommand(tx, ctx, 'saga.completeOrder', input.orderId, () => ({ type: 'CompleteOrder', data: input }));
}

/** Records that the order's charge was given back (the gateway refund is the caller's, before this). */
export function refundPayment(tx: Tx, ctx: SagaContext, input: { orderId: string }) {
  return runSagaCommand(tx, ctx, 'saga.refundPayment', input.orderId, () => ({ type: 'RefundPayment', data: input }));
}

/** Cancels an order that holds no unrefunded charge, releasing any stock it had reserved. */
export function cancelOrder(tx: Tx, ctx: SagaContext, input: { orderId: string; reason: CancelReason }) {
  return runSagaCommand(tx, ctx, 'saga.cancelOrder', input.orderId, () => ({ type: 'CancelOrder', data: input }));
}
