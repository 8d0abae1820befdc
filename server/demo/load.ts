import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { CommandContext } from '@/server/commands/context';
import { historicalId } from '@/server/commands/history';
import { runCommandBatch, runOne, type BatchCommand, type BatchOutcome } from '@/server/commands/batch';
import { runPool, type PoolTask } from '@/server/importer/pool';
import { Progress } from '@/server/importer/progress';
import { DAY_MS, planDemo, type Activity, type DemoPlan, type DemoSize } from './plan';

export interface DemoLoadOptions extends DemoSize {
  /** Command calls in flight at once. */
  concurrency?: number;
  /** Load only when the event log is empty. */
  ifEmpty?: boolean;
  /** The end of the history; default now, or the end an earlier run with this seed used. */
  end?: Date;
  /**
   * Commands decided and written per transaction (runCommandBatch); default 500. 1 runs each
   * command alone through its handler, `concurrency` at a time (the slow path, kept to compare).
   */
  batchSize?: number;
  out?: (line: string) => void;
  progressEvery?: number;
  /** Called as the load goes, with the events written so far and the events the plan will write. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export type DemoLoadResult =
  { loaded: false; reason: 'not-empty' } | { loaded: true; plan: DemoPlan; commands: number; newEvents: number; seconds: number };

export const DEMO_ACTOR = 'system:demo';

/** The demo's commandIds: derived from the seed, so a second run replays instead of adding. */
export const demoCommandId = (seed: string, ...parts: (string | number)[]) => historicalId(`demo:${seed}:${parts.join(':')}`);

/**
 * Writes a demo shop history through the real commands (in batches: runCommandBatch decides each
 * by the handlers' own rules), each with the clock set to its moment in the past and a commandId
 * derived from the seed: running it again (or after an interruption) adds nothing that is already there.
 */
export async function loadDemo(db: Db, opts: DemoLoadOptions): Promise<DemoLoadResult> {
  const out = opts.out ?? (() => {});
  if (opts.ifEmpty) {
    const [row] = await db.execute<{ any: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM events) AS any`);
    if (row?.any) {
      out('The event log is not empty: demo data not loaded (--if-empty).');
      return { loaded: false, reason: 'not-empty' };
    }
  }
  const started = performance.now();
  const eventsBefore = await countEvents(db);
  const end = opts.end ?? (await earlierEnd(db, opts)) ?? new Date();
  const plan = planDemo(opts, end);
  out(
    `Demo history from ${plan.start.toISOString().slice(0, 10)} to ${plan.end.toISOString().slice(0, 10)} (seed "${opts.seed}"): ` +
      `${plan.products.length} products, ${plan.users.length} users, ${plan.activities.filter((a) => a.kind === 'order').length} orders, ` +
      `${plan.activities.length} activities (orders, restocks, logins, email changes).`,
  );
  const concurrency = opts.concurrency ?? 8;
  const batchSize = opts.batchSize ?? 500;
  const every = opts.progressEvery ?? 500;
  const ctx = (at: Date, ...id: (string | number)[]): CommandContext => ({
    actor: DEMO_ACTOR,
    commandId: demoCommandId(opts.seed, ...id),
    now: () => at,
  });
  const deps = { write: { db } };
  const total = plannedEvents(plan);
  let eventsDone = 0;
  const report = async (events: number) => {
    eventsDone += events;
    await opts.onProgress?.(eventsDone, total);
  };
  await opts.onProgress?.(0, total);

  /**
   * Runs one phase's commands: in batches of `batchSize`, one transaction each, in plan order; or,
   * with batchSize 1, one command per transaction, `concurrency` at a time. A rejected command
   * stops the load, as it would stop a script that ran them one by one.
   */
  const phase = async (
    label: string,
    items: { command: BatchCommand; events: number; key?: string; barrier?: boolean }[],
    onResult: (i: number, r: Record<string, unknown>) => void,
  ) => {
    const progress = new Progress(label, items.length, out, every);
    const settle = (i: number, o: BatchOutcome) => {
      if (!o.ok) throw o.error;
      onResult(i, o.result);
      progress.tick();
    };
    if (batchSize > 1) {
      for (let from = 0; from < items.length; from += batchSize) {
        const chunk = items.slice(from, from + batchSize);
        const outcomes = await runCommandBatch(
          deps,
          chunk.map((c) => c.command),
        );
        outcomes.forEach((o, j) => settle(from + j, o));
        await report(chunk.reduce((n, c) => n + c.events, 0));
      }
    } else {
      await runPool(
        items.map((item, i): PoolTask => ({
          key: item.key,
          barrier: item.barrier,
          run: async () => {
            settle(i, await runOne(deps, item.command));
            await report(item.events);
          },
        })),
        concurrency,
      );
    }
    progress.print();
  };

  const productIds: string[] = [];
  await phase(
    'products',
    plan.products.map((p) => ({
      events: 1,
      command: {
        type: 'catalog.createProduct',
        ctx: ctx(p.at, 'product', p.index),
        input: { sku: p.sku, name: p.name, priceCents: p.priceCents, stock: p.stock },
      },
    })),
    (i, r) => {
      productIds[i] = r.productId as string;
    },
  );

  const userIds: string[] = [];
  await phase(
    'users',
    plan.users.map((u) => ({
      events: 1,
      command: { type: 'users.create', ctx: ctx(u.at, 'user', u.index), input: { email: u.email, name: u.name } },
    })),
    (i, r) => {
      userIds[i] = r.userId as string;
    },
  );

  const command = (a: Activity): BatchCommand => {
    switch (a.kind) {
      case 'order':
        return {
          type: 'orders.recordHistorical',
          ctx: ctx(a.at, 'order', a.index),
          input: {
            orderId: demoCommandId(opts.seed, 'order-id', a.index),
            userId: userIds[a.user]!,
            paymentToken: a.token,
            outcome: a.outcome,
            items: a.lines.map((l) => ({ productId: productIds[l.product]!, quantity: l.quantity })),
            settledAt: a.settledAt,
          },
        };
      case 'restock':
        return {
          type: 'catalog.restock',
          ctx: ctx(a.at, 'restock', a.index),
          input: { productId: productIds[a.product]!, quantity: a.quantity },
        };
      case 'email':
        return { type: 'users.updateEmail', ctx: ctx(a.at, 'email', a.index), input: { userId: userIds[a.user]!, email: a.email } };
      case 'login':
        return { type: 'users.recordLogin', ctx: ctx(a.at, 'login', a.index), input: { userId: userIds[a.user]!, at: a.at.toISOString() } };
      default: {
        const never: never = a;
        throw new Error(`Unknown activity ${(never as { kind: string }).kind}`);
      }
    }
  };
  // One by one: one user's logins and email changes run in their order, so the last login stays
  // the last; a restock runs between the orders before and after it, as planned, so no order finds
  // the shelf empty whatever the concurrency. A batch decides them in plan order anyway.
  await phase(
    'activity',
    plan.activities.map((a) => ({
      command: command(a),
      events: eventsOf(a),
      key: a.kind === 'login' || a.kind === 'email' ? `user:${a.user}` : undefined,
      barrier: a.kind === 'restock',
    })),
    () => {},
  );

  const commands = plan.products.length + plan.users.length + plan.activities.length;
  const newEvents = (await countEvents(db)) - eventsBefore;
  const seconds = (performance.now() - started) / 1000;
  out(
    `Ran ${commands} commands in ${seconds.toFixed(1)} s: ${newEvents} new events${newEvents === 0 ? ' (all of it was already there)' : ''}.`,
  );
  return { loaded: true, plan, commands, newEvents, seconds };
}

/** The events an activity writes: an order's whole life, one for anything else. */
function eventsOf(a: Activity): number {
  if (a.kind !== 'order') return 1;
  return a.outcome === 'completed' ? 4 : a.outcome === 'payment_failed' ? 3 : 5;
}

/** The events the plan writes (an email change to the same address would write none; the plan has none). */
export function plannedEvents(plan: DemoPlan): number {
  return plan.products.length + plan.users.length + plan.activities.reduce((n, a) => n + eventsOf(a), 0);
}

async function countEvents(db: Db): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
  return row?.n ?? 0;
}

/**
 * Where an earlier run with this seed put the end of its history: its first product was created at
 * the start, `days` before the end. Re-planning from the same end gives the same commands.
 */
async function earlierEnd(db: Db, opts: DemoSize): Promise<Date | null> {
  const [row] = await db.execute<{ created_at: string }>(sql`
    SELECT p.created_at FROM command_results r JOIN products p ON p.id = (r.result->>'productId')::uuid
    WHERE r.command_id = ${demoCommandId(opts.seed, 'product', 0)}`);
  return row ? new Date(new Date(row.created_at).getTime() + opts.days * DAY_MS) : null;
}
