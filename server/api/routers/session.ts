import { router, staffProcedure } from '../trpc';

export const sessionRouter = router({
  /** Who is signed in: the portal shell shows it. Like every procedure, it needs a session or a token (docs/architecture.md, invariant 6). */
  me: staffProcedure.query(({ ctx }) => ({
    id: ctx.principal.id,
    name: ctx.principal.name,
    role: ctx.principal.role,
    kind: ctx.principal.kind,
  })),
});
