import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { recordset } from '@/db/columns';
import { commandResults, orderLines, orders, products, users } from '@/db/schema';
import type { UserState } from '@/server/domain/user';
import type { ProductState } from '@/server/domain/product';
import { decideProduct } from '@/server/domain/product';
import { decideUser } from '@/server/domain/user';
import { streamId, type DomainEvent, type EventMetadata } from '@/server/domain/events';
import { DomainError, conflict } from '@/server/domain/errors';
import { activeTraceparent, inSpan } from '@/server/tracing';
import { appendRows, wakeRelay, type AppendRow } from './append';
import { postgresErrorOf } from './run';
import { createProduct, restock } from './catalog';
import { createUser, recordLogin, updateUserEmail } from './users';
import { historicalOrderRow, orderLineRows, recordHistoricalOrder } from './history';
import {
  changeOfProduct,
  changeOfUser,
  emailChangeTaken,
  emailTaken,
  parseHistoricalOrder,
  planHistoricalOrder,
  skuTaken,
  type HistoricalOrder,
  type HistoricalOrderInput,
  type Versioned,
} from './rules';
import type { CommandContext, CommandDeps } from './context';

/** A command a batch can run: the same handlers' inputs, tagged with the handler's command type. */
export type BatchCommand =
  | { type: 'catalog.createProduct'; ctx: CommandContext; input: { sku: string; name: string; priceCents: number; stock: number } }
  | { type: 'catalog.restock'; ctx: CommandContext; input: { productId: string; quantity: number } }
  | { type: 'users.create'; ctx: CommandContext; input: { email: string; name: string } }
  | { type: 'users.updateEmail'; ctx: CommandContext; input: { userId: string; email: string } }
  | { type: 'users.recordLogin'; ctx: CommandContext; input: { userId: string; at?: string } }
  | { type: 'orders.recordHistorical'; ctx: CommandContext; input: HistoricalOrderInput };

export type BatchOutcome = { ok: true; result: Record<string, unknown> } | { ok: false; error: DomainError };

/** Runs one command through its own handler, in its own transaction; a broken rule is its outcome. */
export async function runOne(deps: CommandDeps, c: BatchCommand): Promise<BatchOutcome> {
  try {
    const result: Record<string, unknown> = await (() => {
      switch (c.type) {
        case 'catalog.createProduct':
          return createProduct(deps, c.ctx, c.input);
        case 'catalog.restock':
          return restock(deps, c.ctx, c.input);
        case 'users.create':
          return createUser(deps, c.ctx, c.input);
        case 'users.updateEmail':
          return updateUserEmail(deps, c.ctx, c.input);
        case 'users.recordLogin':
          return recordLogin(deps, c.ctx, c.input);
        case 'orders.recordHistorical':
          return recordHistoricalOrder(deps, c.ctx, c.input);
        default: {
          const never: never = c;
          throw new Error(`Unknown command ${(never as { type: string }).type}`);
        }
      }
    })();
    return { ok: true, result };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/** A database error that a batch cannot decide in memory (a race with another writer): redo it one by one. */
const RETRY_ALONE = new Set(['23505', '23514', '40001', '40P01']);
class BatchRace extends Error {}

/**
 * Runs many commands in ONE transaction: state is loaded once (rows locked as the handlers lock
 * them), each command is decided in memory in the order given by the same rules the handlers use
 * (`rules.ts`), against the state the commands before it left, then the rows, the events and the
 * idempotency records are written together. The events, stream versions, command results and rows
 * are those the commands would give run one after another; a command that breaks a rule gets the
 * error it would get alone and writes nothing, the others go on. Should the transaction meet
 * another writer (a unique index, a twin commandId, a deadlock), it rolls back and the commands
 * run one by one through their handlers instead.
 */
export async function runCommandBatch(deps: CommandDeps, commands: readonly BatchCommand[]): Promise<BatchOutcome[]> {
  if (commands.length === 0) return [];
  try {
    const { outcomes, appended } = await inSpan('command batch', { 'ledgerline.commands': commands.length }, () =>
      deps.write.db.transaction((tx) => decideAndWrite(tx, commands)),
    );
    if (appended) wakeRelay(deps.write.db);
    return outcomes;
  } catch (err) {
    if (!(err instanceof BatchRace) && !RETRY_ALONE.has(postgresErrorOf(err).code ?? '')) throw err;
    const outcomes: BatchOutcome[] = [];
    for (const c of commands) outcomes.push(await runOne(deps, c));
    return outcomes;
  }
}

interface Row<S> {
  state: Versioned<S>;
  created: Date | null;
  changed: boolean;
}
type UserRow = Versioned<UserState>;

async function decideAndWrite(tx: Tx, commands: readonly BatchCommand[]) {
  const traceparent = activeTraceparent();
  const prepared = commands.map((c) => {
    const commandId = c.ctx.commandId ?? randomUUID();
    try {
      const order = c.type === 'orders.recordHistorical' ? parseHistoricalOrder(c.input, c.ctx.commandId) : null;
      return { c, commandId, order, orderId: order ? (order.orderId ?? randomUUID()) : null, invalid: null };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { c, commandId, order: null, orderId: null, invalid: error };
    }
  });

  // Everything the commands may read, loaded once; rows they may change are locked in id order.
  const userIds = new Set<string>(),
    productIds = new Set<string>(),
    emails = new Set<string>(),
    skus = new Set<string>();
  for (const p of prepared) {
    const { c } = p;
    if (c.type === 'users.create') emails.add(c.input.email.toLowerCase());
    if (c.type === 'users.updateEmail') {
      userIds.add(c.input.userId);
      emails.add(c.input.email.toLowerCase());
    }
    if (c.type === 'users.recordLogin') userIds.add(c.input.userId);
    if (c.type === 'catalog.createProduct') skus.add(c.input.sku);
    if (c.type === 'catalog.restock') productIds.add(c.input.productId);
    if (p.order) {
      userIds.add(p.order.userId);
      for (const i of p.order.items) productIds.add(i.productId);
    }
  }
  const commandIds = prepared.filter((p) => p.c.ctx.commandId).map((p) => p.commandId);
  const orderIds = prepared.flatMap((p) => (p.orderId ? [p.orderId] : []));
  const [priors, userRows, productRows, existingOrders, emailOwners, skuOwners] = await Promise.all([
    commandIds.length ? tx.select().from(commandResults).where(inArray(commandResults.commandId, commandIds)) : [],
    userIds.size
      ? tx
          .select()
          .from(users)
          .where(inArray(users.id, [...userIds]))
          .orderBy(users.id)
          .for('update')
      : [],
    productIds.size
      ? tx
          .select()
          .from(products)
          .where(inArray(products.id, [...productIds]))
          .orderBy(products.id)
          .for('update')
      : [],
    orderIds.length ? tx.select({ id: orders.id }).from(orders).where(inArray(orders.id, orderIds)) : [],
    emails.size
      ? tx.execute<{ id: string; email: string }>(
          sql`SELECT id, lower(email) AS email FROM users WHERE lower(email) IN (SELECT jsonb_array_elements_text(${JSON.stringify([...emails])}::jsonb))`,
        )
      : [],
    skus.size
      ? tx
          .select({ sku: products.sku })
          .from(products)
          .where(inArray(products.sku, [...skus]))
      : [],
  ]);

  const userById = new Map<string, Row<UserState>>(
    userRows.map((u) => [
      u.id,
      {
        created: null,
        changed: false,
        state: {
          id: u.id,
          email: u.email,
          name: u.name,
          createdAt: u.createdAt.toISOString(),
          lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
          version: u.version,
        },
      },
    ]),
  );
  const productById = new Map<string, Row<ProductState>>(
    productRows.map((p) => [
      p.id,
      {
        created: null,
        changed: false,
        state: { id: p.id, sku: p.sku, name: p.name, priceCents: p.priceCents, onHand: p.onHand, reserved: p.reserved, version: p.version },
      },
    ]),
  );
  const orderTaken = new Set(existingOrders.map((o) => o.id));
  const emailOwner = new Map([...emailOwners].map((r) => [r.email, r.id]));
  const skuTakenSet = new Set(skuOwners.map((r) => r.sku));
  const claims = new Map(priors.map((r) => [r.commandId, { type: r.commandType, result: r.result as Record<string, unknown> }]));

  const outcomes: BatchOutcome[] = [];
  const rows: AppendRow[] = [];
  const newOrders: ReturnType<typeof historicalOrderRow>[] = [];
  const newLines: ReturnType<typeof orderLineRows> = [];
  const newClaims: { commandId: string; commandType: string; result: Record<string, unknown> }[] = [];
  /** Results that get the position of their command's last event once the events are written. */
  const awaitingPosition: { result: Record<string, unknown>; lastRow: number }[] = [];

  for (const p of prepared) {
    const { c, commandId } = p;
    if (p.invalid) {
      outcomes.push({ ok: false, error: p.invalid });
      continue;
    }
    if (c.ctx.commandId) {
      const prior = claims.get(commandId);
      if (prior) {
        outcomes.push(
          prior.type === c.type
            ? { ok: true, result: prior.result }
            : { ok: false, error: conflict(`commandId ${commandId} was already used for ${prior.type}`) },
        );
        continue;
      }
    }
    const now = c.ctx.now?.() ?? new Date();
    const metadata: EventMetadata = {
      correlationId: c.ctx.correlationId ?? commandId,
      causationId: c.ctx.causationId ?? null,
      commandId,
      actor: c.ctx.actor,
      ...((traceparent ?? c.ctx.traceparent) ? { traceparent: traceparent ?? c.ctx.traceparent } : {}),
    };
    const append = (stream: string, version: number, events: DomainEvent[], at = now) =>
      events.forEach((event, i) => rows.push({ stream, version: version + i + 1, event, metadata, at }));
    try {
      let result: Record<string, unknown>;
      switch (c.type) {
        case 'users.create': {
          const userId = randomUUID();
          const events = decideUser({ type: 'CreateUser', data: { userId, email: c.input.email, name: c.input.name } }, null);
          if (emailOwner.has(c.input.email.toLowerCase())) throw emailTaken(c.input.email);
          emailOwner.set(c.input.email.toLowerCase(), userId);
          userById.set(userId, {
            created: now,
            changed: true,
            state: {
              id: userId,
              email: c.input.email,
              name: c.input.name,
              createdAt: now.toISOString(),
              lastLoginAt: null,
              version: events.length,
            },
          });
          append(streamId.user(userId), 0, events);
          result = { userId };
          break;
        }
        case 'users.updateEmail':
        case 'users.recordLogin': {
          const { userId } = c.input;
          const row = userById.get(userId);
          const command =
            c.type === 'users.updateEmail'
              ? { type: 'UpdateUserEmail' as const, data: c.input }
              : { type: 'RecordLogin' as const, data: { userId, at: c.input.at ?? now.toISOString() } };
          const { events, next } = changeOfUser(userId, row?.state ?? null, command, now);
          if (events.length === 0) {
            result = { position: 0 };
            break;
          }
          if (c.type === 'users.updateEmail') {
            const owner = emailOwner.get(next.email.toLowerCase());
            if (owner !== undefined && owner !== userId) throw emailChangeTaken();
            emailOwner.delete(row!.state.email.toLowerCase());
            emailOwner.set(next.email.toLowerCase(), userId);
          }
          append(streamId.user(userId), row!.state.version, events);
          row!.state = next;
          row!.changed = true;
          result = {};
          break;
        }
        case 'catalog.createProduct': {
          const productId = randomUUID();
          const events = decideProduct({ type: 'CreateProduct', data: { productId, ...c.input } }, null);
          if (skuTakenSet.has(c.input.sku)) throw skuTaken(c.input.sku);
          skuTakenSet.add(c.input.sku);
          productById.set(productId, {
            created: now,
            changed: true,
            state: {
              id: productId,
              sku: c.input.sku,
              name: c.input.name,
              priceCents: c.input.priceCents,
              onHand: c.input.stock,
              reserved: 0,
              version: events.length,
            },
          });
          append(streamId.product(productId), 0, events);
          result = { productId };
          break;
        }
        case 'catalog.restock': {
          const row = productById.get(c.input.productId);
          const { events, next } = changeOfProduct(c.input.productId, row?.state ?? null, { type: 'Restock', data: c.input });
          if (events.length === 0) {
            result = { position: 0 };
            break;
          }
          append(streamId.product(c.input.productId), row!.state.version, events);
          row!.state = next;
          row!.changed = true;
          result = {};
          break;
        }
        case 'orders.recordHistorical': {
          const input = p.order as HistoricalOrder;
          const orderId = p.orderId!;
          const ids = [...new Set(input.items.map((i) => i.productId))].sort();
          const found = ids.flatMap((id) => {
            const r = productById.get(id);
            return r ? [r.state] : [];
          });
          const plan = planHistoricalOrder(input, {
            orderId,
            placedAt: now,
            userExists: userById.has(input.userId),
            orderExists: orderTaken.has(orderId),
            products: found,
          });
          orderTaken.add(orderId);
          newOrders.push(historicalOrderRow(orderId, plan.final, now, plan.settledAt, plan.groups));
          newLines.push(...orderLineRows(orderId, plan.final));
          for (const s of plan.stockAfter) {
            const row = productById.get(s.productId)!;
            row.state = { ...row.state, onHand: s.onHand };
            row.changed = true;
          }
          let version = 0;
          for (const g of plan.groups) {
            append(streamId.order(orderId), version, g.events, g.at);
            version += g.events.length;
          }
          result = { orderId, status: plan.final.status, totalCents: plan.final.totalCents };
          break;
        }
        default: {
          const never: never = c;
          throw new Error(`Unknown command ${(never as { type: string }).type}`);
        }
      }
      if (!('position' in result)) awaitingPosition.push({ result, lastRow: rows.length - 1 });
      if (c.ctx.commandId) {
        claims.set(commandId, { type: c.type, result });
        newClaims.push({ commandId, commandType: c.type, result });
      }
      outcomes.push({ ok: true, result });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }

  // Rows in their state after the batch: changed ones updated, new ones inserted (after the
  // updates, so that an email one user gave up can be taken by a new one).
  const changedUsers = [...userById.values()].filter((u) => u.changed);
  const changedProducts = [...productById.values()].filter((p) => p.changed);
  const userRow = (u: UserRow) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    createdAt: new Date(u.createdAt),
    lastLoginAt: u.lastLoginAt ? new Date(u.lastLoginAt) : null,
    version: u.version,
  });
  const newProducts = changedProducts.flatMap((p) => (p.created ? [{ ...p.state, createdAt: p.created }] : []));
  if (newProducts.length) await tx.insert(products).values(newProducts);
  const movedUsers = changedUsers
    .filter((u) => !u.created)
    .map((u) => ({ id: u.state.id, email: u.state.email, last_login_at: u.state.lastLoginAt, version: u.state.version }));
  if (movedUsers.length) {
    await tx.execute(sql`UPDATE users u SET email = v.email, last_login_at = v.last_login_at, version = v.version
      FROM ${recordset(users, movedUsers, { columns: ['id', 'email', 'lastLoginAt', 'version'] })} WHERE u.id = v.id`);
  }
  const newUsers = changedUsers.filter((u) => u.created).map((u) => userRow(u.state));
  if (newUsers.length) await tx.insert(users).values(newUsers);
  const movedProducts = changedProducts
    .filter((p) => !p.created)
    .map((p) => ({ id: p.state.id, price_cents: p.state.priceCents, on_hand: p.state.onHand, version: p.state.version }));
  if (movedProducts.length) {
    await tx.execute(sql`UPDATE products p SET price_cents = v.price_cents, on_hand = v.on_hand, version = v.version
      FROM ${recordset(products, movedProducts, { columns: ['id', 'priceCents', 'onHand', 'version'] })} WHERE p.id = v.id`);
  }
  if (newOrders.length) await tx.insert(orders).values(newOrders);
  if (newLines.length) await tx.insert(orderLines).values(newLines);

  // The events in command order, then each command's position (its last event's) into its result.
  const positions = await appendRows(tx, rows);
  for (const a of awaitingPosition) a.result.position = positions[a.lastRow]!;
  if (newClaims.length) {
    const claimed = await tx.execute<{ command_id: string }>(sql`
      INSERT INTO command_results (command_id, command_type, result)
      SELECT v.command_id, v.command_type, v.result FROM ${recordset(
        commandResults,
        newClaims.map((n) => ({ command_id: n.commandId, command_type: n.commandType, result: n.result })),
        { columns: ['commandId', 'commandType', 'result'] },
      )}
      ON CONFLICT DO NOTHING RETURNING command_id`);
    // A twin of one of these commands committed meanwhile: let the handlers sort it out one by one.
    if (claimed.length !== newClaims.length) throw new BatchRace(`${newClaims.length - claimed.length} commandIds were claimed meanwhile`);
  }
  return { outcomes, appended: rows.length > 0 };
}
