import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { queryProcedure } from '../../trpc';
import { cursor, id, limit } from '../../schemas';
import { searchUsers, userOrders, userProfile } from '@/server/queries/users';
import { readOptions } from '../read-options';

export const userQueries = {
  profile: queryProcedure
    .input(z.object({ userId: id, ...readOptions }))
    .query(async ({ ctx, input }) => {
      const answer = await userProfile(ctx.services, input);
      if (!answer.data && !answer.freshness.stale) throw new TRPCError({ code: 'NOT_FOUND', message: `User ${input.userId} does not exist` });
      return answer;
    }),
  search: queryProcedure
    .input(z.object({ q: z.string().max(200), limit: limit.default(20), cursor, ...readOptions }))
    .query(({ ctx, input }) => searchUsers(ctx.services, input)),
  orders: queryProcedure
    .input(z.object({ userId: id, limit, cursor, ...readOptions }))
    .query(({ ctx, input }) => userOrders(ctx.services, input)),
};
