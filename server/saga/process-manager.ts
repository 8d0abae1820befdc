import { inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { orderLines, orders, products } from '@/db/schema';
import type { StoredEvent } from '@/server/domain/events';
import type { ConsumerDefinition } from '@/server/readside/consumer';
import { cancelOrder, completeOrder, reserveInventory, type SagaContext } from '@/server/saga/commands';
import { reactTo, sagaEvents, type SagaCommand, type SagaEventType } from './decide';
import { lockSagas, saveSagas, type SagaRow, type SagaWrite } from './store';

type SagaEvent = Extract<StoredEvent, { type: SagaEventType }>;

/** The saga acts for the order's correlation id; the event it reacts to is the cause. */
const contextOf = (e: SagaEvent): SagaContext => ({
  actor: 'saga',
  correlationId: e.metadata.correlationId,
  causationId: e.eventId,
  ...(e.metadata.traceparent ? { traceparent: e.metadata.traceparent } : {}),
});

function issue(tx: Tx, e: SagaEvent, command: SagaCommand) {
  const orderId = e.data.orderId;
  switch (command.type) {
    case 'ReserveInventory':
      return reserveInventory(tx, contextOf(e), { orderId });
    case 'CompleteOrder':
      return completeOrder(tx, contextOf(e), { orderId });
    case 'CancelOrder':
      return cancelOrder(tx, contextOf(e), { orderId, reason: command.reason });
  }
}

/**
 * Locks, in id order and before any order row, every product that this batch's commands may
 * reserve or ship: a batch moves stock for many orders, and taking their products one order at a
 * time could deadlock against another transaction locking the same products in id order.
 */
async function lockStock(tx: Tx, orderIds: string[]) {
  if (orderIds.length === 0) return;
  const lines = tx.select({ productId: orderLines.productId }).from(orderLines).where(inArray(orderLines.orderId, orderIds));
  await tx.select({ id: products.id }).from(products).where(inArray(products.id, lines)).orderBy(products.id).for('update');
}

/**
 * The order saga's process manager, a consumer on the WRITE database: its
 * checkpoint, its rows in `order_sagas` and the commands it issues commit in one transaction, so
 * each event moves the saga exactly once. The slow parts (the gateway) are jobs, sent by the
 * sweeper (server/saga/sweeper.ts) for rows this leaves due.
 *
 * onError 'halt': skipping an event of a process manager would strand an order half way (charged
 * and never shipped or refunded); stopping shows up in ops.projections with the error and loses
 * nothing. `version` must stay 1: a rebuild replays the log, and this definition issues commands.
 */
export interface ProcessManagerDefinition extends ConsumerDefinition {
  kind: 'process-manager';
  database: 'write';
}

export const orderSagaProcess: ProcessManagerDefinition = {
  kind: 'process-manager',
  database: 'write',
  name: 'order_saga',
  version: 1,
  handles: sagaEvents,
  tables: ['order_sagas'],
  onError: 'halt',
  async applyBatch(tx, stored) {
    const events = stored.filter((e): e is SagaEvent => (sagaEvents as readonly string[]).includes(e.type));
    const ids = [...new Set(events.map((e) => e.data.orderId))];
    const sagas = await lockSagas(tx, ids);
    const placed = [...new Set(events.filter((e) => e.type === 'OrderPlaced' && !sagas.has(e.data.orderId)).map((e) => e.data.orderId))];
    const pending = new Set(
      placed.length
        ? (await tx.select({ id: orders.id, status: orders.status }).from(orders).where(inArray(orders.id, placed)))
            .filter((o) => o.status === 'pending')
            .map((o) => o.id)
        : [],
    );
    const movesStock = new Set(
      events
        .filter((e) => (e.type === 'PaymentProcessed' || e.type === 'InventoryReserved') && sagas.has(e.data.orderId))
        .map((e) => e.data.orderId),
    );
    await lockStock(tx, [...movesStock]);

    const writes = new Map<string, SagaWrite>();
    for (const e of events) {
      const orderId = e.data.orderId;
      const saga: SagaRow | undefined = sagas.get(orderId);
      const reaction = reactTo(e.type, saga ?? null, pending.has(orderId));
      if (reaction.kind === 'ignore') continue;
      const next: SagaRow = {
        orderId,
        step: reaction.step,
        attempts: reaction.dispatch ? 0 : (saga?.attempts ?? 0),
        done: reaction.step === 'done',
        deadlineAt: null,
      };
      sagas.set(orderId, next);
      writes.set(orderId, { orderId, step: next.step, attempts: next.attempts, done: next.done, dispatch: reaction.dispatch });
      if (reaction.command) await issue(tx, e, reaction.command);
    }
    await saveSagas(tx, [...writes.values()]);
  },
};
