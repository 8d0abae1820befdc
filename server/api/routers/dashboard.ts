import { z } from 'zod';
import { queryProcedure } from '../trpc';
import { day } from '../schemas';
import { currency } from '@/server/domain/contracts';
import { dashboardSummary } from '@/server/queries/dashboard';
import { readOptions } from './read-options';

export const dashboardQueries = {
  summary: queryProcedure
    .input(z.object({ from: day.optional(), to: day.optional(), currency: currency.optional(), ...readOptions }).default({}))
    .query(({ ctx, input }) => dashboardSummary(ctx.services, input)),
};
