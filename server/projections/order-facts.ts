import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { orderFacts } from '@/db/schema';
import type { ProjectionDefinition } from './types';
import type { ProjectedEvent } from '@/server/domain/events';

interface Row {
  order_id: string;
  user_id?: string;
  currency?: string;
  total_cents?: number;
  placed_at?: string;
  paid_at?: string;
  reserved_at?: string;
  completed_at?: string;
  cancelled_at?: string;
  cancel_reason?: string;
  refunded_cents?: number;
}

/** What one event says about its order; null for events this read model does not keep. */
function factOf(e: ProjectedEvent): Omit<Row, 'order_id'> | null {
  const at = e.occurredAt;
  switch (e.type) {
    case 'OrderPlaced':
      return { user_id: e.data.userId, currency: e.data.currency, total_cents: e.data.totalCents, placed_at: at };
    case 'PaymentProcessed':
      return { paid_at: at };
    case 'InventoryReserved':
      return { reserved_at: at };
    case 'OrderCompleted':
      return { completed_at: at };
    case 'PaymentRefunded':
      return { refunded_cents: e.data.amountCents };
    case 'OrderCancelled':
      return { cancel_reason: e.data.reason, cancelled_at: at };
    default:
      return null;
  }
}

/**
 * analytics.funnel, analytics.cancellations, analytics.sagaTiming: one row per order with the time
 * it reached each saga step. Only an event log gives these times for free; the write model keeps
 * the order's current state, not when it got there.
 */
export const orderFactsProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'order_facts',
  version: 1,
  handles: ['OrderPlaced', 'PaymentProcessed', 'InventoryReserved', 'OrderCompleted', 'PaymentRefunded', 'OrderCancelled'],
  tables: ['order_facts'],
  onError: 'dead-letter',
  async applyBatch(tx, events) {
    const rows = new Map<string, Row>();
    for (const e of events) {
      const fact = factOf(e);
      if (!fact) continue;
      const id = (e.data as { orderId: string }).orderId;
      rows.set(id, { ...rows.get(id), ...fact, order_id: id });
    }
    if (rows.size === 0) return;
    // Every column is set once by the event that owns it, so an upsert that keeps what is there
    // gives the same row whichever batches the order's events fall into.
    await tx.execute(sql`
      INSERT INTO order_facts AS o (order_id, user_id, currency, total_cents, placed_at, paid_at, reserved_at, completed_at, cancelled_at, cancel_reason, refunded_cents)
      SELECT order_id, user_id, currency, total_cents, placed_at, paid_at, reserved_at, completed_at, cancelled_at, cancel_reason, COALESCE(refunded_cents, 0)
      FROM ${recordset(orderFacts, [...rows.values()])}
      ON CONFLICT (order_id) DO UPDATE SET user_id = COALESCE(excluded.user_id, o.user_id), currency = COALESCE(excluded.currency, o.currency),
        total_cents = COALESCE(excluded.total_cents, o.total_cents), placed_at = COALESCE(excluded.placed_at, o.placed_at),
        paid_at = COALESCE(excluded.paid_at, o.paid_at), reserved_at = COALESCE(excluded.reserved_at, o.reserved_at),
        completed_at = COALESCE(excluded.completed_at, o.completed_at), cancelled_at = COALESCE(excluded.cancelled_at, o.cancelled_at),
        cancel_reason = COALESCE(excluded.cancel_reason, o.cancel_reason), refunded_cents = o.refunded_cents + excluded.refunded_cents`);
  },
};
