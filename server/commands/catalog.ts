import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { products } from '@/db/schema';
import type { Tx } from '@/db/client';
import { decideProduct, type ProductCommand, type ProductState } from '@/server/domain/product';
import { streamId } from '@/server/domain/events';
import { changeOfProduct, skuTaken } from './rules';
import { runCommand } from './run';
import type { CommandContext, CommandDeps } from './context';

async function loadProduct(tx: Tx, productId: string): Promise<(ProductState & { version: number }) | null> {
  const [row] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
  return row
    ? {
        id: row.id,
        sku: row.sku,
        name: row.name,
        priceCents: row.priceCents,
        onHand: row.onHand,
        reserved: row.reserved,
        version: row.version,
      }
    : null;
}

export async function createProduct(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { sku: string; name: string; priceCents: number; stock: number },
) {
  return runCommand(deps, ctx, 'catalog.createProduct', async ({ tx, now, append }) => {
    const productId = randomUUID();
    const events = decideProduct({ type: 'CreateProduct', data: { productId, ...input } }, null);
    const inserted = await tx
      .insert(products)
      .values({
        id: productId,
        sku: input.sku,
        name: input.name,
        priceCents: input.priceCents,
        onHand: input.stock,
        reserved: 0,
        createdAt: now,
        version: events.length,
      })
      .onConflictDoNothing({ target: products.sku })
      .returning({ id: products.id });
    if (inserted.length === 0) throw skuTaken(input.sku);
    const position = await append(streamId.product(productId), 0, events);
    return { productId, position };
  });
}

async function changeProduct(deps: CommandDeps, ctx: CommandContext, type: string, productId: string, command: ProductCommand) {
  return runCommand(deps, ctx, type, async ({ tx, append }) => {
    const state = await loadProduct(tx, productId);
    const { events, next } = changeOfProduct(productId, state, command);
    if (events.length === 0) return { position: 0 };
    // The row is locked: the update and the append go out together, in one round trip.
    const [, position] = await Promise.all([
      tx
        .update(products)
        .set({ priceCents: next.priceCents, onHand: next.onHand, version: next.version })
        .where(eq(products.id, productId)),
      append(streamId.product(productId), state!.version, events),
    ]);
    return { position };
  });
}

export function changePrice(deps: CommandDeps, ctx: CommandContext, input: { productId: string; priceCents: number }) {
  return changeProduct(deps, ctx, 'catalog.changePrice', input.productId, { type: 'ChangePrice', data: input });
}

export function restock(deps: CommandDeps, ctx: CommandContext, input: { productId: string; quantity: number }) {
  return changeProduct(deps, ctx, 'catalog.restock', input.productId, { type: 'Restock', data: input });
}
