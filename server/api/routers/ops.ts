import { z } from 'zod';
import { router, queryProcedure, adminProcedure } from '../trpc';
import { cursor, limit } from '../schemas';
import { readOptions } from './read-options';
import { listDeadLetters, listEvents, projectionStatus } from '@/server/queries/ops';
import { discardDeadLetter, retryDeadLetter } from '@/server/readside/dead-letters';
import { projections, projectionNames } from '@/server/projections/registry';
import { requestRebuild } from '@/server/readside/rebuild-request';
import { systemAlerts } from '@/server/queries/alerts';
import { bulkLoadsNow } from '@/server/queries/loads';
import { resumeProjection } from '@/server/readside/resume';
import { consumerNamed, consumerNames } from '@/server/consumers';

export const opsRouter = router({
  projections: queryProcedure.input(z.object({ ...readOptions }).default({})).query(({ ctx }) => projectionStatus(ctx.services)),
  events: queryProcedure
    .input(
      z
        .object({
          streamId: z.string().max(200).optional(),
          correlationId: z.string().max(200).optional(),
          type: z.string().max(100).optional(),
          limit,
          cursor,
          ...readOptions,
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listEvents(ctx.services, input)),
  /** For the portal's banner: `degraded` with reasons when workers are dead or projections lag. */
  alerts: queryProcedure
    .input(z.object({ ...readOptions }).default({}))
    .query(async ({ ctx }) => ({ data: await systemAlerts(ctx.services), freshness: { position: 0, stale: false } })),
  /** Bulk loads (the demo history) and how far each is: the portal's "Loading demo history" banner. */
  loads: queryProcedure
    .input(z.object({ ...readOptions }).default({}))
    .query(async ({ ctx }) => ({ data: await bulkLoadsNow(ctx.services), freshness: { position: 0, stale: false } })),
  deadLetters: queryProcedure.input(z.object({ ...readOptions }).default({})).query(({ ctx }) => listDeadLetters(ctx.services)),
  retryDeadLetter: adminProcedure
    .input(
      z.object({
        id: z
          .number()
          .int()
          .positive()
          .max(2 ** 31 - 1, "id is a dead letter's id (at most 2147483647)"),
      }),
    )
    .mutation(({ ctx, input }) => retryDeadLetter(ctx.services.read, ctx.services.write, projections, input.id)),
  /** Resolves a parked event without applying it; `confirm` must be typed as `discard <position>`. */
  discardDeadLetter: adminProcedure
    .input(z.object({ id: z.number().int().positive(), confirm: z.string().max(100) }))
    .mutation(({ ctx, input }) => discardDeadLetter(ctx.services.read, input.id, input.confirm)),
  /** After the fix for a halted projection (or the saga) is deployed: retry its poison event and go on. */
  resumeProjection: adminProcedure
    .input(z.object({ name: z.enum(consumerNames as [string, ...string[]]) }))
    .mutation(({ ctx, input }) => resumeProjection(ctx.services, input.name, consumerNamed(input.name)!.database)),
  rebuildProjection: adminProcedure
    .input(
      z.object({ name: z.enum(projectionNames as [string, ...string[]], { message: `name is one of ${projectionNames.join(', ')}` }) }),
    )
    .mutation(({ ctx, input }) => requestRebuild(ctx.services, input.name)),
});
