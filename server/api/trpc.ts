import 'server-only';
import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { Services } from '@/server/services';
import { DomainError } from '@/server/domain/errors';
import { inputProblem } from '@/server/domain/input-hygiene';
import { transformer } from './transformer';
import { TooManyWaitersError, waitingAs } from '@/server/readside/wait';
import type { HeaderSource } from '@/server/auth/store';
import { notePrincipal } from '@/server/http/access-log';
import { actorOf, type Principal, type Role } from '@/server/auth/principal';
import type { CommandContext } from '@/server/commands/context';
import { metrics } from '@/server/metrics';
import { inSpan } from '@/server/tracing';
import { createLogger } from '@/server/log';
import { isUnavailable, unavailableText, UNAVAILABLE_MESSAGE } from './unavailable';

export interface Context {
  services: Services;
  principal: Principal | null;
  headers: HeaderSource;
}

/** The one context of every call, from the Next route (dev), the node:http API routes and in-process callers. */
export async function createContext(services: Services, headers: HeaderSource): Promise<Context> {
  const principal = await services.principals.authenticate(headers);
  notePrincipal(principal?.id);
  return { services, principal, headers };
}

const log = createLogger('ledgerline-api');

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error, path, ctx }) {
    const cause = error.cause;
    // A service down or restarting, wherever it surfaced (also in createContext): 503, retryable.
    if (error.code === 'SERVICE_UNAVAILABLE' || isUnavailable(cause)) {
      log.warn(
        { err: unavailableText(cause), path, correlationId: ctx?.headers.get('x-correlation-id') ?? undefined },
        'service unavailable',
      );
      return {
        ...shape,
        message: UNAVAILABLE_MESSAGE,
        code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
        data: { ...shape.data, code: 'SERVICE_UNAVAILABLE' as const, httpStatus: 503, zodIssues: undefined, stack: undefined },
      };
    }
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // Logged here in full; the caller learns only that it failed, never the SQL or its parameters.
      log.error({ err: cause ?? error, path, correlationId: ctx?.headers.get('x-correlation-id') ?? undefined }, 'procedure failed');
      return { ...shape, message: 'Internal server error', data: { ...shape.data, zodIssues: undefined, stack: undefined } };
    }
    return {
      ...shape,
      data: { ...shape.data, zodIssues: cause instanceof ZodError ? cause.issues : undefined, stack: undefined },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Records a call's outcome (commands by type and outcome) and its duration. */
function record(path: string, type: string, outcome: string, started: number) {
  const seconds = (performance.now() - started) / 1000;
  const m = metrics();
  if (type === 'mutation') {
    m.commands.inc({ type: path, outcome });
    m.commandSeconds.observe({ type: path }, seconds);
  } else {
    m.querySeconds.observe({ query: path }, seconds);
  }
}

const unauthorized = () => new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in or send a valid API token' });

/** Who may call: anyone (the procedure decides), any staff member or API token, or staff of these roles. */
type Access = 'public' | 'staff' | readonly Role[];

/** The principal a procedure of that access runs as, or the error that refuses the call. */
function admitted(principal: Principal | null, access: Access): Principal | null {
  if (access === 'public') return principal;
  if (!principal) throw unauthorized();
  if (access !== 'staff' && !access.includes(principal.role)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the role ${access.join(' or ')}; you are ${principal.role}` });
  }
  return principal;
}

/**
 * Every rule of a call, in the one middleware each kind of procedure has. Each middleware costs
 * tRPC copies of the call's options and context on every call: with our three in a row (timing,
 * rules, the staff check), 13.5 % of a profile of the web tier under a cached read was tRPC's
 * object-spread helper, 10.3 % with one (docs/benchmarks.md). The rules apply as if each wrapped the next, outermost
 * first:
 * - the call is timed, traced and counted, whatever its outcome;
 * - the input is refused if it holds NULs, broken characters or deep nesting, naming the field
 *   (finding 6);
 * - the caller must be signed in, and of an allowed role (`access`);
 * - domain rule violations become tRPC errors with the same code and the rule's message; a service
 *   down or restarting becomes SERVICE_UNAVAILABLE (callers in this process see the code, too);
 * - a caller over its share of read-your-writes waiters is told to retry (TOO_MANY_REQUESTS), not
 *   queued (finding 5): its waits are counted against its principal.
 */
async function guarded<R extends { ok: true } | { ok: false; error: TRPCError }>(
  call: { path: string; type: string; getRawInput: () => Promise<unknown>; principal: Principal | null },
  access: Access,
  next: (principal: Principal | null) => Promise<R>,
): Promise<R> {
  const { path, type } = call;
  const started = performance.now();
  let outcome = 'INTERNAL_SERVER_ERROR';
  try {
    const rules = async (): Promise<R> => {
      const problem = inputProblem(await call.getRawInput());
      if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem });
      const principal = admitted(call.principal, access);
      // next() never throws: tRPC hands a failure back as a result.
      const result = await waitingAs(principal ? `${principal.kind}:${principal.id}` : 'anonymous', () => next(principal));
      if (result.ok) return result;
      const cause = result.error.cause;
      if (cause instanceof TooManyWaitersError) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause });
      if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
      if (result.error.code === 'INTERNAL_SERVER_ERROR' && isUnavailable(cause)) {
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE, cause });
      }
      return result;
    };
    // A refusal leaves the span as a failed result does (its status unset: the caller's error, not
    // the server's), and is thrown once the span has ended.
    const settled = await inSpan(`trpc ${path}`, { 'rpc.system': 'trpc', 'rpc.method': path, 'ledgerline.kind': type }, () =>
      rules().then(
        (result) => ({ result }),
        (refused: unknown) => ({ refused }),
      ),
    );
    if ('refused' in settled) throw settled.refused;
    const { result } = settled;
    outcome = result.ok ? 'ok' : result.error.code;
    return result;
  } catch (err) {
    if (err instanceof TRPCError) outcome = err.code;
    throw err;
  } finally {
    record(path, type, outcome, started);
  }
}

export const publicProcedure = t.procedure.use(({ ctx, path, type, getRawInput, next }) =>
  guarded({ path, type, getRawInput, principal: ctx.principal }, 'public', () => next()),
);

/** Signed-in staff (of one of `access`'s roles, when it names them): the context's principal is then never null. */
const staffOnly = (access: 'staff' | readonly Role[]) =>
  t.procedure.use(({ ctx, path, type, getRawInput, next }) =>
    guarded({ path, type, getRawInput, principal: ctx.principal }, access, (principal) => next({ ctx: { principal: principal! } })),
  );

/** Any signed-in staff member or API token. */
export const staffProcedure = staffOnly('staff');

/** Staff of one of these roles. */
export const roleProcedure = (...allowed: Role[]) => staffOnly(allowed);

/** Queries: every role. Commands: admin and operator. Operator actions on the runner: admin. */
export const queryProcedure = staffProcedure;
export const commandProcedure = roleProcedure('admin', 'operator');
export const adminProcedure = roleProcedure('admin');

/** The command context for a procedure call: actor and the caller's optional commandId. */
export function commandContext(ctx: Context & { principal: Principal }, commandId?: string): CommandContext {
  return { actor: actorOf(ctx.principal), commandId, correlationId: ctx.headers.get('x-correlation-id') ?? undefined };
}
