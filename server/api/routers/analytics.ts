import { z } from 'zod';
import { queryProcedure } from '../trpc';
import { day, id } from '../schemas';
import { cohorts, dayKpis, funnel, kpis, productDaily, products } from '@/server/queries/analytics/queries';
import { checkDayRange, dayRange, dayRangeShape } from './reports';
import { readOptions } from './read-options';

/** The analytics pages: period-over-period KPIs, the order funnel and saga timing, products, cohorts. */
export const analyticsQueries = {
  kpis: queryProcedure.input(dayRange).query(({ ctx, input }) => kpis(ctx.services, input)),
  dayKpis: queryProcedure
    .input(z.object({ day: day.optional(), ...readOptions }).default({}))
    .query(({ ctx, input }) => dayKpis(ctx.services, input)),
  funnel: queryProcedure.input(dayRange).query(({ ctx, input }) => funnel(ctx.services, input)),
  products: queryProcedure.input(dayRange).query(({ ctx, input }) => products(ctx.services, input)),
  productDaily: queryProcedure
    .input(z.object({ ...dayRangeShape, productId: id }).superRefine(checkDayRange))
    .query(({ ctx, input }) => productDaily(ctx.services, input)),
  cohorts: queryProcedure.input(dayRange).query(({ ctx, input }) => cohorts(ctx.services, input)),
};
