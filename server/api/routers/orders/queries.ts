import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { queryProcedure } from '../../trpc';
import { cursor, day, id, limit } from '../../schemas';
import { getOrder, listOrders } from '@/server/queries/orders';
import { readOptions } from '../read-options';

export const orderQueries = {
  get: queryProcedure
    .input(z.object({ orderId: id, ...readOptions }))
    .query(async ({ ctx, input }) => {
      const answer = await getOrder(ctx.services, input);
      if (!answer.data && !answer.freshness.stale) throw new TRPCError({ code: 'NOT_FOUND', message: `Order ${input.orderId} does not exist` });
      return answer;
    }),
  list: queryProcedure
    .input(z.object({
      status: z.enum(['pending', 'paid', 'completed', 'cancelled']).optional(),
      from: day.optional(), to: day.optional(), limit, cursor, ...readOptions,
    }))
    .query(({ ctx, input }) => listOrders(ctx.services, input)),
};
