import { router, publicProcedure } from '../trpc';

export const sessionRouter = router({
  /** Who is signed in (null when nobody is): the portal shell shows it. */
  me: publicProcedure.query(({ ctx }) =>
    ctx.principal ? { id: ctx.principal.id, name: ctx.principal.name, role: ctx.principal.role, kind: ctx.principal.kind } : null),
});
