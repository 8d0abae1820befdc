import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import type { DomainEvent, EventMetadata } from '@/server/domain/events';
import { DomainError, conflict } from '@/server/domain/errors';
import { appendToStream, wakeRelay } from './append';
import { emailChangeTaken } from './rules';
import { activeTraceparent, contextOf, inSpan } from '@/server/tracing';
import type { CommandContext, CommandDeps } from './context';

export interface CommandScope {
  tx: Tx;
  now: Date;
  /** Appends to a stream with this command's metadata; returns the last position. */
  append(stream: string, expectedVersion: number, events: DomainEvent[]): Promise<number>;
}

class Replayed<R> {
  constructor(readonly result: R) {}
}

/**
 * Runs one command in one transaction: idempotency check, the handler's lock/decide/write/append,
 * the stored result. Commits all or nothing. A repeated `commandId` returns the first result.
 */
export function runCommand<R>(
  deps: CommandDeps,
  ctx: CommandContext,
  commandType: string,
  handler: (scope: CommandScope) => Promise<R>,
): Promise<R> {
  const parent = ctx.traceparent ? contextOf(ctx.traceparent) : undefined;
  return inSpan(
    `command ${commandType}`,
    { 'ledgerline.command': commandType, 'ledgerline.actor': ctx.actor },
    () => execute(deps, { ...ctx, traceparent: activeTraceparent() ?? ctx.traceparent }, commandType, handler),
    parent,
  );
}

async function execute<R>(
  deps: CommandDeps,
  ctx: CommandContext,
  commandType: string,
  handler: (scope: CommandScope) => Promise<R>,
): Promise<R> {
  try {
    const appended = { events: false };
    const result = await deps.write.db.transaction(async (tx) => {
      const outcome = await within(tx, ctx, commandType, handler, appended);
      // A replay wrote nothing worth keeping: roll back rather than commit an empty transaction.
      if (outcome instanceof Replayed) throw outcome;
      return outcome;
    });
    // Committed: now wake the relay (outside the transaction, coalesced; see wakeRelay).
    if (appended.events) wakeRelay(deps.write.db);
    return result;
  } catch (err) {
    if (err instanceof Replayed) return err.result as R;
    throw translatePgError(err);
  }
}

/**
 * Runs one command inside a transaction the caller owns (the saga's process manager issues its
 * commands in the same transaction as its own state and checkpoint). Same metadata, idempotency
 * and error translation as `runCommand`; the caller commits or rolls back. A database error leaves
 * the caller's transaction aborted: wrap the call in a savepoint to carry on after one.
 */
export function runCommandInTx<R>(
  tx: Tx,
  ctx: CommandContext,
  commandType: string,
  handler: (scope: CommandScope) => Promise<R>,
): Promise<R> {
  const parent = ctx.traceparent ? contextOf(ctx.traceparent) : undefined;
  return inSpan(
    `command ${commandType}`,
    { 'ledgerline.command': commandType, 'ledgerline.actor': ctx.actor },
    async () => {
      try {
        const outcome = await within(tx, { ...ctx, traceparent: activeTraceparent() ?? ctx.traceparent }, commandType, handler);
        return outcome instanceof Replayed ? (outcome.result as R) : outcome;
      } catch (err) {
        throw translatePgError(err);
      }
    },
    parent,
  );
}

/**
 * The body shared by both: idempotency claim, the handler with this command's metadata, the stored
 * result. With `appended` (runCommand, which owns the commit) the appends do not notify and
 * `appended.events` tells the caller to wake the relay after committing; without it (a caller's
 * transaction) each append notifies in the transaction, as appendToStream does by default.
 */
async function within<R>(
  tx: Tx,
  ctx: CommandContext,
  commandType: string,
  handler: (scope: CommandScope) => Promise<R>,
  appended?: { events: boolean },
): Promise<R | Replayed<R>> {
  const commandId = ctx.commandId ?? randomUUID();
  const metadata: EventMetadata = {
    correlationId: ctx.correlationId ?? commandId,
    causationId: ctx.causationId ?? null,
    commandId,
    actor: ctx.actor,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
  const now = ctx.now?.() ?? new Date();
  if (ctx.commandId) {
    // A concurrent twin blocks here on the primary key until the first one commits or aborts.
    const claimed = await tx.execute(
      sql`INSERT INTO command_results (command_id, command_type) VALUES (${commandId}, ${commandType}) ON CONFLICT DO NOTHING RETURNING 1`,
    );
    if (claimed.length === 0) {
      const [prior] = await tx.execute<{ command_type: string; result: R }>(
        sql`SELECT command_type, result FROM command_results WHERE command_id = ${commandId}`,
      );
      if (!prior) throw conflict(`Command ${commandId} is being processed; retry`);
      if (prior.command_type !== commandType) throw conflict(`commandId ${commandId} was already used for ${prior.command_type}`);
      return new Replayed(prior.result);
    }
  }
  const result = await handler({
    tx,
    now,
    append: (stream, expectedVersion, events) => {
      if (!appended) return appendToStream(tx, stream, expectedVersion, events, metadata, now);
      if (events.length > 0) appended.events = true;
      return appendToStream(tx, stream, expectedVersion, events, metadata, now, { notify: false });
    },
  });
  if (ctx.commandId) {
    await tx.execute(sql`UPDATE command_results SET result = ${JSON.stringify(result)}::jsonb WHERE command_id = ${commandId}`);
  }
  return result;
}

/** Unique violations that escape a handler are conflicts a person can act on. */
export function translatePgError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const pg = postgresErrorOf(err);
  if (pg.code === '23505') {
    if (pg.constraint_name === 'users_email_lower_key') return emailChangeTaken();
    if (pg.constraint_name === 'products_sku_key') return conflict('A product with this SKU already exists');
    if (pg.constraint_name === 'events_stream_version_key') return conflict('The record was changed concurrently; retry');
    return conflict('This record already exists');
  }
  if (pg.code === '23514' && pg.constraint_name === 'products_stock_never_negative') return conflict('Not enough stock');
  return err;
}

/** Drizzle wraps a failed query's PostgresError in a DrizzleQueryError (`cause`); find the database error. */
export function postgresErrorOf(err: unknown): { code?: string; constraint_name?: string } {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { code?: unknown }).code === 'string') return e as { code: string; constraint_name?: string };
  }
  return {};
}
