import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { orderSummaries } from '@/db/schema';
import type { ProjectionDefinition } from './types';
import type { ProjectedEvent } from '@/server/domain/events';

interface Row {
  order_id: string;
  user_id?: string;
  status?: string;
  saga_step?: string;
  cancel_reason?: string;
  total_cents?: number;
  currency?: string;
  lines?: unknown;
  placed_at?: string;
  paid_at?: string;
  completed_at?: string;
  cancelled_at?: string;
  refunded_cents?: number;
  updated_at: string;
}

/** The saga step an order is at after each event: what the portal's timeline shows. */
function change(e: ProjectedEvent): Omit<Row, 'order_id' | 'updated_at'> | null {
  const at = e.occurredAt;
  switch (e.type) {
    case 'OrderPlaced':
      return {
        user_id: e.data.userId,
        status: 'pending',
        saga_step: 'payment',
        total_cents: e.data.totalCents,
        currency: e.data.currency,
        lines: e.data.lines,
        placed_at: at,
      };
    case 'PaymentProcessed':
      return { status: 'paid', saga_step: 'inventory', paid_at: at };
    case 'PaymentFailed':
      return { saga_step: 'cancellation' };
    case 'InventoryReserved':
      return { saga_step: 'completion' };
    case 'InventoryUnavailable':
      return { saga_step: 'refund' };
    case 'OrderCompleted':
      return { status: 'completed', saga_step: 'done', completed_at: at };
    case 'PaymentRefunded':
      return { saga_step: 'cancellation', refunded_cents: e.data.amountCents };
    case 'OrderCancelled':
      return { status: 'cancelled', saga_step: 'done', cancel_reason: e.data.reason, cancelled_at: at };
    default:
      return null;
  }
}

/** orders.get, orders.list, users.orders: one denormalized row per order. */
export const orderSummaryProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'order_summary',
  version: 1,
  handles: [
    'OrderPlaced',
    'PaymentProcessed',
    'PaymentFailed',
    'InventoryReserved',
    'InventoryUnavailable',
    'OrderCompleted',
    'PaymentRefunded',
    'OrderCancelled',
  ],
  tables: ['order_summaries'],
  onError: 'park-stream',
  async applyBatch(tx, events) {
    const rows = new Map<string, Row>();
    for (const e of events) {
      const c = change(e);
      if (!c) continue;
      const id = (e.data as { orderId: string }).orderId;
      rows.set(id, { ...rows.get(id), ...c, order_id: id, updated_at: e.occurredAt });
    }
    const all = [...rows.values()];
    const inserts = all.filter((r) => r.placed_at);
    const updates = all.filter((r) => !r.placed_at);
    if (inserts.length) {
      await tx.execute(sql`
        INSERT INTO order_summaries (order_id, user_id, status, saga_step, cancel_reason, total_cents, currency, lines, placed_at, paid_at, completed_at, cancelled_at, refunded_cents, updated_at)
        SELECT order_id, user_id, status, saga_step, cancel_reason, total_cents, currency, lines, placed_at, paid_at, completed_at, cancelled_at, COALESCE(refunded_cents, 0), updated_at
        FROM ${recordset(orderSummaries, inserts)}`);
    }
    if (updates.length) {
      await tx.execute(sql`
        UPDATE order_summaries o SET status = COALESCE(v.status, o.status), saga_step = COALESCE(v.saga_step, o.saga_step),
          cancel_reason = COALESCE(v.cancel_reason, o.cancel_reason), paid_at = COALESCE(v.paid_at, o.paid_at),
          completed_at = COALESCE(v.completed_at, o.completed_at), cancelled_at = COALESCE(v.cancelled_at, o.cancelled_at),
          refunded_cents = COALESCE(v.refunded_cents, o.refunded_cents), updated_at = v.updated_at
        FROM ${recordset(orderSummaries, updates)}
        WHERE o.order_id = v.order_id`);
    }
  },
};
