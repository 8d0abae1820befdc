import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { queryProcedure } from '../../trpc';
import { cursor, day, id, limit } from '../../schemas';
import { countOrders, getOrder, listOrders } from '@/server/queries/orders';
import { readOptions } from '../read-options';
import { currency, orderStatus } from '@/server/domain/contracts';

/** Filters shared by orders.list and orders.count; all optional, so older callers keep working. */
const orderFilter = {
  status: orderStatus.optional(),
  from: day.optional(),
  to: day.optional(),
  /** Which moment from/to refer to: when the order was placed (default), completed or cancelled. */
  on: z.enum(['placed', 'completed', 'cancelled']).optional(),
  productId: id.optional(),
  cancelReason: z
    .string()
    .regex(/^[a-z_]{1,40}$/, 'A cancel reason is a word such as out_of_stock')
    .optional(),
  currency: currency.optional(),
};

export const orderQueries = {
  get: queryProcedure.input(z.object({ orderId: id, ...readOptions })).query(async ({ ctx, input }) => {
    const answer = await getOrder(ctx.services, input);
    if (!answer.data && !answer.freshness.stale)
      throw new TRPCError({ code: 'NOT_FOUND', message: `Order ${input.orderId} does not exist` });
    return answer;
  }),
  list: queryProcedure
    .input(z.object({ ...orderFilter, limit, cursor, ...readOptions }))
    .query(({ ctx, input }) => listOrders(ctx.services, input)),
  count: queryProcedure.input(z.object({ ...orderFilter, ...readOptions })).query(({ ctx, input }) => countOrders(ctx.services, input)),
};
