import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { inventory } from '@/db/schema';
import type { ProjectionDefinition } from './types';

interface Row {
  product_id: string;
  sku?: string;
  name?: string;
  price_cents?: number;
  on_hand?: number;
  on_hand_delta: number;
  reserved_delta: number;
  updated_at: string;
}

/** catalog.products: price, on hand, reserved and available per product. */
export const inventoryProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'inventory',
  version: 1,
  handles: ['ProductCreated', 'ProductPriceChanged', 'InventoryRestocked', 'InventoryReserved', 'OrderCompleted', 'OrderCancelled'],
  tables: ['inventory'],
  onError: 'halt',
  async applyBatch(tx, events) {
    const rows = new Map<string, Row>();
    const row = (id: string, at: string) => {
      const r = rows.get(id) ?? rows.set(id, { product_id: id, on_hand_delta: 0, reserved_delta: 0, updated_at: at }).get(id)!;
      r.updated_at = at;
      return r;
    };
    for (const e of events) {
      const at = e.occurredAt;
      switch (e.type) {
        case 'ProductCreated':
          Object.assign(row(e.data.productId, at), {
            sku: e.data.sku,
            name: e.data.name,
            price_cents: e.data.priceCents,
            on_hand: e.data.stock,
            on_hand_delta: 0,
            reserved_delta: 0,
          });
          break;
        case 'ProductPriceChanged':
          row(e.data.productId, at).price_cents = e.data.priceCents;
          break;
        // Stock moves as deltas, which commute: the result cannot depend on how commits interleave.
        case 'InventoryRestocked':
          row(e.data.productId, at).on_hand_delta += e.data.quantity;
          break;
        case 'InventoryReserved':
          for (const l of e.data.lines) row(l.productId, at).reserved_delta += l.quantity;
          break;
        case 'OrderCompleted':
          for (const l of e.data.lines) {
            const r = row(l.productId, at);
            r.on_hand_delta -= l.quantity;
            r.reserved_delta -= l.quantity;
          }
          break;
        case 'OrderCancelled':
          for (const l of e.data.released) row(l.productId, at).reserved_delta -= l.quantity;
          break;
        default:
          break;
      }
    }
    const all = [...rows.values()];
    const created = all.filter((r) => r.sku !== undefined);
    const deltas = { on_hand_delta: 'int', reserved_delta: 'int' };
    if (created.length) {
      await tx.execute(sql`
        INSERT INTO inventory (product_id, sku, name, price_cents, on_hand, reserved, updated_at)
        SELECT product_id, sku, name, price_cents, on_hand + on_hand_delta, reserved_delta, updated_at
        FROM ${recordset(inventory, created, { extra: deltas })}`);
    }
    const updated = all.filter((r) => r.sku === undefined);
    if (updated.length) {
      await tx.execute(sql`
        UPDATE inventory i SET price_cents = COALESCE(v.price_cents, i.price_cents),
          on_hand = i.on_hand + v.on_hand_delta, reserved = i.reserved + v.reserved_delta, updated_at = v.updated_at
        FROM ${recordset(inventory, updated, { extra: deltas })}
        WHERE i.product_id = v.product_id`);
    }
  },
};
