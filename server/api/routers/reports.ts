import { z } from 'zod';
import { queryProcedure } from '../trpc';
import { day } from '../schemas';
import { dailyRegistrations, revenue } from '@/server/queries/reports';
import { readOptions } from './read-options';
import { currency } from '@/server/domain/contracts';

export const MAX_REPORT_DAYS = 3660;
export const dayRange = z.object({ from: day, to: day, ...readOptions }).superRefine((r, ctx) => {
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86400_000;
  if (Number.isNaN(days)) ctx.addIssue({ code: 'custom', message: 'from and to must be real dates' });
  else if (days < 0) ctx.addIssue({ code: 'custom', message: 'from must not be after to' });
  else if (days > MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', message: `A report covers at most ${MAX_REPORT_DAYS} days` });
});

export const reportQueries = {
  dailyRegistrations: queryProcedure.input(dayRange).query(({ ctx, input }) => dailyRegistrations(ctx.services, input)),
  revenue: queryProcedure
    .input(dayRange.and(z.object({ currency: currency.optional() })))
    .query(({ ctx, input }) => revenue(ctx.services, input)),
};
