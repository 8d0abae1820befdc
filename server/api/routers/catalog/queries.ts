import { z } from 'zod';
import { queryProcedure } from '../../trpc';
import { cursor, limit } from '../../schemas';
import { listProducts } from '@/server/queries/catalog';
import { readOptions } from '../read-options';

export const catalogQueries = {
  products: queryProcedure
    .input(
      z
        .object({ q: z.string().max(200).optional(), lowStock: z.boolean().optional(), limit, cursor, ...readOptions })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listProducts(ctx.services, input)),
};
