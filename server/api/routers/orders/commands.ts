import { z } from 'zod';
import { commandProcedure, commandContext } from '../../trpc';
import { commandId, id } from '../../schemas';
import { placeOrder } from '@/server/commands/orders';
import { ORDER_LIMITS } from '@/server/domain/order';

const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;

export const orderCommands = {
  place: commandProcedure
    .input(z.object({
      userId: id,
      items: z.array(z.object({
        productId: id,
        quantity: z.number().int('Quantity is a whole number').min(minQuantity, `Quantity is at least ${minQuantity}`).max(maxQuantity, `Quantity is at most ${maxQuantity}`),
      })).min(minLines, `An order has at least ${minLines} line`).max(maxLines, `An order has at most ${maxLines} lines`),
      payment: z.object({ token: z.string().trim().min(1, 'A payment token is required').max(200) }),
      currency: z.string().regex(/^[A-Z]{3}$/, 'Currency is an ISO 4217 code such as USD').optional(),
      commandId,
    }))
    .output(z.object({ orderId: id, position: z.number().int() }))
    .mutation(({ ctx, input }) => placeOrder(ctx.services, commandContext(ctx, input.commandId), input)),
};
