import { z } from 'zod';
import { commandProcedure, commandContext } from '../../trpc';
import { commandId, id } from '../../schemas';
import { placeOrder } from '@/server/commands/orders';
import { currency, ORDER_LIMITS, orderQuantity } from '@/server/domain/contracts';

const { minLines, maxLines } = ORDER_LIMITS;

export const orderCommands = {
  place: commandProcedure
    .input(
      z.object({
        userId: id,
        items: z
          .array(
            z.object({
              productId: id,
              quantity: orderQuantity,
            }),
          )
          .min(minLines, `An order has at least ${minLines} line`)
          .max(maxLines, `An order has at most ${maxLines} lines`),
        payment: z.object({ token: z.string().trim().min(1, 'A payment token is required').max(200) }),
        currency: currency.optional(),
        commandId,
      }),
    )
    .output(z.object({ orderId: id, position: z.number().int() }))
    .mutation(({ ctx, input }) => placeOrder(ctx.services, commandContext(ctx, input.commandId), input)),
};
