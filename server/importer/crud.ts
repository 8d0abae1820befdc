import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { commandResults } from '@/db/schema';
import { DomainError } from '@/server/domain/errors';
import type { CommandContext } from '@/server/commands/context';
import { createUser } from '@/server/commands/users';
import { createProduct } from '@/server/commands/catalog';
import { historicalId, recordHistoricalOrder, type HistoricalOutcome } from '@/server/commands/history';
import { CANCELLED_STATUSES, COMPLETED_STATUSES, LegacySource, type LegacyItem, type LegacyOrder } from './legacy';
import { runPool, type PoolTask } from './pool';
import { Progress } from './progress';

export const IMPORT_ACTOR = 'system:import';

/** Ids derived from the legacy table and id: every run of the import asks for the same commands. */
export const importId = (kind: 'users' | 'products' | 'orders' | 'order-commands', legacyId: string) =>
  historicalId(`ledgerline-import:${kind}:${legacyId}`);

export interface ImportOptions {
  concurrency?: number;
  out?: (line: string) => void;
  /** Rows per progress line; default a tenth of each table, between 50 and 500. */
  progressEvery?: number;
  /** Legacy rows read per query (default 500). */
  pageSize?: number;
}

export interface TableReport {
  total: number;
  imported: number;
  alreadyDone: number;
  failed: number;
  skipped: number;
}
export interface ImportReport {
  users: TableReport;
  products: TableReport;
  orders: TableReport;
  /** Orders not imported because of their legacy status, by status. */
  skippedStatuses: Record<string, number>;
  failures: { table: string; legacyId: string; reason: string }[];
  /** Orders whose legacy total_cents differs from the sum of their lines (the lines are used). */
  totalMismatches: number;
  eventsBefore: number;
  eventsAfter: number;
  seconds: number;
}

// The same rules the API applies to new users and products.
const userRow = z.object({ email: z.string().trim().email().max(320), name: z.string().trim().min(1).max(200) });
const productRow = z.object({
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._\-]+$/),
  name: z.string().trim().min(1).max(200),
  priceCents: z.number().int().positive(),
  stock: z.number().int().nonnegative(),
});

const report = (total: number): TableReport => ({ total, imported: 0, alreadyDone: 0, failed: 0, skipped: 0 });
const reasonOf = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/**
 * Imports a plain CRUD shop database as history: users → UserCreated at created_at, products →
 * ProductCreated, orders → recordHistoricalOrder at their own times with the unit prices they were
 * sold at. Each row is one command whose commandId comes from the legacy id, so an interrupted
 * import resumes where it stopped and a finished one, run again, adds nothing. A row that breaks a
 * rule is reported and left out; the rest goes on.
 */
export async function importCrud(db: Db, legacyUrl: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const out = opts.out ?? (() => {});
  const concurrency = opts.concurrency ?? 8;
  const started = performance.now();
  const legacy = new LegacySource(legacyUrl, opts.pageSize);
  try {
    await legacy.check();
    const counts = await legacy.counts();
    const eventsBefore = await countEvents(db);
    const r: ImportReport = {
      users: report(counts.users),
      products: report(counts.products),
      orders: report(counts.orders),
      skippedStatuses: {},
      failures: [],
      totalMismatches: 0,
      eventsBefore,
      eventsAfter: eventsBefore,
      seconds: 0,
    };
    out(`Importing ${counts.users} users, ${counts.products} products and ${counts.orders} orders.`);
    const every = (n: number) => opts.progressEvery ?? Math.min(500, Math.max(50, Math.ceil(n / 10)));
    const ctx = (commandId: string, at: Date): CommandContext => ({ actor: IMPORT_ACTOR, commandId, now: () => at });
    const fail = (t: TableReport, table: string, legacyId: string, reason: string) => {
      t.failed += 1;
      r.failures.push({ table, legacyId, reason });
    };
    /** Runs a row's command; a broken rule is the row's failure, anything else stops the import. */
    const attempt = async (t: TableReport, table: string, legacyId: string, fn: () => Promise<void>) => {
      try {
        await fn();
        t.imported += 1;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        fail(t, table, legacyId, err.message);
      }
    };

    const userIds = new Map<string, string>();
    const users = new Progress('users', counts.users, out, every(counts.users));
    await runPool(
      tasks(
        legacy.users(),
        db,
        (u) => importId('users', u.id),
        (u, done) => {
          if (done) {
            userIds.set(u.id, (done as { userId: string }).userId);
            r.users.alreadyDone += 1;
            users.tick(true);
            return null;
          }
          return async () => {
            const row = userRow.safeParse(u);
            if (!row.success) fail(r.users, 'users', u.id, reasonOf(row.error));
            else {
              await attempt(r.users, 'users', u.id, async () => {
                const res = await createUser({ write: { db } }, ctx(importId('users', u.id), u.createdAt), row.data);
                userIds.set(u.id, res.userId);
              });
            }
            users.tick();
          };
        },
        // Twins by email (compared as the domain does) run in legacy id order: the first keeps the
        // email and its twins are refused, whatever the pool's timing (in parallel, a later twin
        // could commit first and take the email).
        (u) => `email:${u.email.trim().toLowerCase()}`,
      ),
      concurrency,
    );
    users.print();

    const productIds = new Map<string, string>();
    const products = new Progress('products', counts.products, out, every(counts.products));
    await runPool(
      tasks(
        legacy.products(),
        db,
        (p) => importId('products', p.id),
        (p, done) => {
          if (done) {
            productIds.set(p.id, (done as { productId: string }).productId);
            r.products.alreadyDone += 1;
            products.tick(true);
            return null;
          }
          return async () => {
            // Stock at creation: what is left now plus what completed orders have taken since.
            const row = productRow.safeParse({ ...p, stock: p.stock + p.soldUnits });
            if (!row.success) fail(r.products, 'products', p.id, reasonOf(row.error));
            else {
              await attempt(r.products, 'products', p.id, async () => {
                const res = await createProduct({ write: { db } }, ctx(importId('products', p.id), p.createdAt), row.data);
                productIds.set(p.id, res.productId);
              });
            }
            products.tick();
          };
        },
      ),
      concurrency,
    );
    products.print();

    const orders = new Progress('orders', counts.orders, out, every(counts.orders));
    await runPool(
      tasks(
        legacy.orders(),
        db,
        (o) => importId('order-commands', o.id),
        (o, done) => {
          if (done) {
            r.orders.alreadyDone += 1;
            orders.tick(true);
            return null;
          }
          return async () => {
            const plan = planOrder(o, userIds, productIds);
            if ('skip' in plan) {
              r.orders.skipped += 1;
              r.skippedStatuses[o.status] = (r.skippedStatuses[o.status] ?? 0) + 1;
            } else if ('fail' in plan) {
              fail(r.orders, 'orders', o.id, plan.fail);
            } else {
              if (plan.total !== o.totalCents) r.totalMismatches += 1;
              await attempt(r.orders, 'orders', o.id, async () => {
                await recordHistoricalOrder({ write: { db } }, ctx(importId('order-commands', o.id), o.createdAt), {
                  orderId: importId('orders', o.id),
                  userId: plan.userId,
                  items: plan.items,
                  paymentToken: `legacy_${o.id}`,
                  outcome: plan.outcome,
                  prices: 'given',
                  settledAt: o.updatedAt < o.createdAt ? o.createdAt : o.updatedAt,
                });
              });
            }
            orders.tick();
          };
        },
      ),
      concurrency,
    );
    orders.print();

    r.eventsAfter = await countEvents(db);
    r.seconds = (performance.now() - started) / 1000;
    return r;
  } finally {
    await legacy.close();
  }
}

/**
 * Pool tasks for a table read page by page: the commands of a page that earlier runs have already
 * done are found in one query and only counted (`done` holds their stored result).
 */
async function* tasks<T>(
  pages: AsyncIterable<T[]>,
  db: Db,
  commandIdOf: (row: T) => string,
  make: (row: T, done: unknown) => (() => Promise<void>) | null,
  /** Rows with the same key run one after another, in legacy order (runPool's lanes). */
  keyOf?: (row: T) => string,
): AsyncGenerator<PoolTask> {
  for await (const page of pages) {
    const ids = page.map(commandIdOf);
    const done = new Map(
      (
        await db
          .select({ id: commandResults.commandId, result: commandResults.result })
          .from(commandResults)
          .where(inArray(commandResults.commandId, ids))
      ).map((d) => [d.id, d.result]),
    );
    for (const row of page) {
      const run = make(row, done.get(commandIdOf(row)));
      if (run) yield { run, key: keyOf?.(row) };
    }
  }
}

type OrderPlan =
  | { skip: true }
  | { fail: string }
  | { userId: string; outcome: HistoricalOutcome; items: { productId: string; quantity: number; unitPriceCents: number }[]; total: number };

/** Maps a legacy order onto a historical one, or says why it cannot be. */
export function planOrder(o: LegacyOrder, userIds: Map<string, string>, productIds: Map<string, string>): OrderPlan {
  const status = o.status.trim().toLowerCase();
  const outcome: HistoricalOutcome | null = (COMPLETED_STATUSES as readonly string[]).includes(status)
    ? 'completed'
    : (CANCELLED_STATUSES as readonly string[]).includes(status)
      ? 'payment_failed'
      : null;
  if (!outcome) return { skip: true };
  const userId = userIds.get(o.userId);
  if (!userId) return { fail: `its user ${o.userId} was not imported` };
  if (o.items.length === 0) return { fail: 'it has no order_items' };
  const merged = mergeLines(o.items);
  if (typeof merged === 'string') return { fail: merged };
  const items = [];
  for (const l of merged) {
    const productId = productIds.get(l.productId);
    if (!productId) return { fail: `its product ${l.productId} was not imported` };
    items.push({ productId, quantity: l.quantity, unitPriceCents: l.unitPriceCents });
  }
  return { userId, outcome, items, total: merged.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0) };
}

/** Lines of the same product at the same price become one line; at different prices they cannot. */
function mergeLines(items: LegacyItem[]): LegacyItem[] | string {
  const byProduct = new Map<string, LegacyItem>();
  for (const i of items) {
    const seen = byProduct.get(i.productId);
    if (!seen) byProduct.set(i.productId, { ...i });
    else if (seen.unitPriceCents === i.unitPriceCents) seen.quantity += i.quantity;
    else return `product ${i.productId} appears on two lines at different prices`;
  }
  return [...byProduct.values()];
}

async function countEvents(db: Db): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`);
  return row?.n ?? 0;
}
