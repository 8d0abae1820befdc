import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { queryProcedure } from '../../trpc';
import { cursor, id, limit } from '../../schemas';
import { listUsers, searchUsers, userListSorts, userOrders, userProfile } from '@/server/queries/users';
import { readOptions } from '../read-options';

export const userQueries = {
  profile: queryProcedure.input(z.object({ userId: id, ...readOptions })).query(async ({ ctx, input }) => {
    const answer = await userProfile(ctx.services, input);
    if (!answer.data && !answer.freshness.stale) throw new TRPCError({ code: 'NOT_FOUND', message: `User ${input.userId} does not exist` });
    return answer;
  }),
  /** Every customer, newest first unless sorted otherwise; `q` narrows the list. */
  list: queryProcedure
    .input(
      z
        .object({
          q: z.string().max(200).optional(),
          sort: z.enum(userListSorts).default('joined'),
          dir: z.enum(['asc', 'desc']).default('desc'),
          limit: z.number().int().min(1).max(100).default(25),
          offset: z.number().int().min(0).max(1_000_000).default(0),
          ...readOptions,
        })
        .default({ sort: 'joined', dir: 'desc', limit: 25, offset: 0 }),
    )
    .query(({ ctx, input }) => listUsers(ctx.services, input)),
  search: queryProcedure
    .input(z.object({ q: z.string().max(200), limit: limit.default(20), cursor, ...readOptions }))
    .query(({ ctx, input }) => searchUsers(ctx.services, input)),
  orders: queryProcedure
    .input(z.object({ userId: id, limit, cursor, ...readOptions }))
    .query(({ ctx, input }) => userOrders(ctx.services, input)),
};
