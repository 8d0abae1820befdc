import { z } from 'zod';
import { commandProcedure, commandContext } from '../../trpc';
import { commandId, id, positionResult } from '../../schemas';
import { changePrice, createProduct, restock } from '@/server/commands/catalog';

const priceCents = z.number().int('Price is in whole cents').positive('Price must be greater than zero').max(100_000_000);

export const catalogCommands = {
  createProduct: commandProcedure
    .input(
      z.object({
        sku: z
          .string()
          .trim()
          .min(1, 'SKU is required')
          .max(64)
          .regex(/^[A-Za-z0-9._\-]+$/, 'SKU uses letters, digits, dot, dash and underscore'),
        name: z.string().trim().min(1, 'Name is required').max(200),
        priceCents,
        stock: z.number().int('Stock is a whole number').nonnegative('Stock cannot be negative').max(10_000_000),
        commandId,
      }),
    )
    .output(z.object({ productId: id, position: z.number().int() }))
    .mutation(({ ctx, input }) => createProduct(ctx.services, commandContext(ctx, input.commandId), input)),
  changePrice: commandProcedure
    .input(z.object({ productId: id, priceCents, commandId }))
    .output(positionResult)
    .mutation(({ ctx, input }) => changePrice(ctx.services, commandContext(ctx, input.commandId), input)),
  restock: commandProcedure
    .input(
      z.object({
        productId: id,
        quantity: z.number().int('Quantity is a whole number').positive('Quantity must be greater than zero').max(10_000_000),
        commandId,
      }),
    )
    .output(positionResult)
    .mutation(({ ctx, input }) => restock(ctx.services, commandContext(ctx, input.commandId), input)),
};
