import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { CommandContext } from '@/server/commands/context';
import { createUser, recordLogin, updateUserEmail } from '@/server/commands/users';
import { createProduct, restock } from '@/server/commands/catalog';
import { historicalId, recordHistoricalOrder } from '@/server/commands/history';
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
  out?: (line: string) => void;
  progressEvery?: number;
}

export type DemoLoadResult =
  | { loaded: false; reason: 'not-empty' }
  | { loaded: true; plan: DemoPlan; commands: number; newEvents: number; seconds: number };

export const DEMO_ACTOR = 'system:demo';

/** The demo's commandIds: derived from the seed, so a second run replays instead of adding. */
export const demoCommandId = (seed: string, ...parts: (string | number)[]) => historicalId(`demo:${seed}:${parts.join(':')}`);

/**
 * Writes a demo shop history through the real command handlers, each with the clock set to its
 * moment in the past and a commandId derived from the seed: running it again (or after an
 * interruption) adds nothing that is already there.
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
  out(`Demo history from ${plan.start.toISOString().slice(0, 10)} to ${plan.end.toISOString().slice(0, 10)} (seed "${opts.seed}"): `
    + `${plan.products.length} products, ${plan.users.length} users, ${plan.activities.filter((a) => a.kind === 'order').length} orders, `
    + `${plan.activities.length} activities (orders, restocks, logins, email changes).`);
  const concurrency = opts.concurrency ?? 8;
  const every = opts.progressEvery ?? 500;
  const ctx = (at: Date, ...id: (string | number)[]): CommandContext => ({ actor: DEMO_ACTOR, commandId: demoCommandId(opts.seed, ...id), now: () => at });

  const productIds: string[] = [];
  const products = new Progress('products', plan.products.length, out, every);
  await runPool(plan.products.map((p): PoolTask => ({
    run: async () => {
      const r = await createProduct({ write: { db } }, ctx(p.at, 'product', p.index), { sku: p.sku, name: p.name, priceCents: p.priceCents, stock: p.stock });
      productIds[p.index] = r.productId;
      products.tick();
    },
  })), concurrency);
  products.print();

  const userIds: string[] = [];
  const users = new Progress('users', plan.users.length, out, every);
  await runPool(plan.users.map((u): PoolTask => ({
    run: async () => {
      const r = await createUser({ write: { db } }, ctx(u.at, 'user', u.index), { email: u.email, name: u.name });
      userIds[u.index] = r.userId;
      users.tick();
    },
  })), concurrency);
  users.print();

  const activity = new Progress('activity', plan.activities.length, out, every);
  const run = (a: Activity): Promise<unknown> => {
    switch (a.kind) {
      case 'order':
        return recordHistoricalOrder({ write: { db } }, ctx(a.at, 'order', a.index), {
          orderId: demoCommandId(opts.seed, 'order-id', a.index), userId: userIds[a.user]!, paymentToken: a.token, outcome: a.outcome,
          items: a.lines.map((l) => ({ productId: productIds[l.product]!, quantity: l.quantity })), settledAt: a.settledAt,
        });
      case 'restock': return restock({ write: { db } }, ctx(a.at, 'restock', a.index), { productId: productIds[a.product]!, quantity: a.quantity });
      case 'email': return updateUserEmail({ write: { db } }, ctx(a.at, 'email', a.index), { userId: userIds[a.user]!, email: a.email });
      case 'login': return recordLogin({ write: { db } }, ctx(a.at, 'login', a.index), { userId: userIds[a.user]!, at: a.at.toISOString() });
      default: {
        const never: never = a;
        throw new Error(`Unknown activity ${(never as { kind: string }).kind}`);
      }
    }
  };
  // One user's logins and email changes run in their order, so the last login stays the last. A
  // restock runs between the orders before and after it, as planned, so no order finds the shelf
  // empty whatever the concurrency.
  await runPool(plan.activities.map((a): PoolTask => ({
    key: a.kind === 'login' || a.kind === 'email' ? `user:${a.user}` : undefined,
    barrier: a.kind === 'restock',
    run: async () => { await run(a); activity.tick(); },
  })), concurrency);
  activity.print();

  const commands = plan.products.length + plan.users.length + plan.activities.length;
  const newEvents = (await countEvents(db)) - eventsBefore;
  const seconds = (performance.now() - started) / 1000;
  out(`Ran ${commands} commands in ${seconds.toFixed(1)} s: ${newEvents} new events${newEvents === 0 ? ' (all of it was already there)' : ''}.`);
  return { loaded: true, plan, commands, newEvents, seconds };
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
