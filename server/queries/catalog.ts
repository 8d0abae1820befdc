import { sql } from 'drizzle-orm';
import { selectOf } from '@/db/columns';
import { inventory } from '@/db/schema';
import type { ReadDeps } from '@/server/deps';
import { decodeCursor, readModel, type ReadOptions } from './read-model';
import { pageOf } from './rows';

export const LOW_STOCK_THRESHOLD = 10;

const product = selectOf(inventory, ['productId', 'sku', 'name', 'priceCents', 'onHand', 'reserved']);
export type ProductView = Omit<typeof inventory.$inferSelect, 'updatedAt'> & { available: number };

/** catalog.products, by SKU; `lowStock` keeps those with at most LOW_STOCK_THRESHOLD available. */
export function listProducts(s: ReadDeps, input: { q?: string; lowStock?: boolean; limit: number; cursor?: string } & ReadOptions) {
  const { minPosition: _m, waitMs: _w, ...key } = input;
  return readModel(s, 'catalog.products', ['inventory'], key, input, async () => {
    const after = decodeCursor(input.cursor, ['string']);
    const q = input.q?.trim();
    const rows = await s.read.db.execute<ProductView>(sql`
      SELECT ${product.columns}, on_hand - reserved AS available
      FROM inventory
      WHERE ${q ? sql`(sku ILIKE ${'%' + q.replace(/[%_\\]/g, '\\$&') + '%'} OR name ILIKE ${'%' + q.replace(/[%_\\]/g, '\\$&') + '%'})` : sql`true`}
        AND ${input.lowStock ? sql`on_hand - reserved <= ${LOW_STOCK_THRESHOLD}` : sql`true`}
        AND ${after ? sql`sku > ${String(after[0])}` : sql`true`}
      ORDER BY sku LIMIT ${input.limit + 1}`);
    return pageOf(rows, input.limit, (p) => [p.sku]);
  });
}
