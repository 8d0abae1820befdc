/**
 * What the tests of recorded history (demo load, CRUD import) share: a write model dumped in a form
 * two loads can be compared in, and the check that the live saga leaves recorded orders alone.
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '@/db/client';
import { createLogger } from '@/server/log';
import { waitForProjections } from '@/server/importer/catch-up';
import { startWorker } from '@/server/readside/worker';
import { sagaWorkerOptions } from '@/server/saga/worker-options';
import type { TestEnv } from './harness';

/**
 * Runs a worker with the live saga until every read model and the saga have passed the last
 * event, then checks that the saga ran nothing: no saga rows, no charges, no event by another actor.
 */
export async function expectSagaLeavesHistoryAlone(t: TestEnv, actor: string) {
  const worker = await startWorker(t.services, createLogger('history-test', 'error'), {
    ...sagaWorkerOptions(t.services.env),
    sweepMs: 500,
  });
  try {
    expect((await waitForProjections(t.services, () => {})).kind).toBe('caught-up');
    const [last] = await t.services.write.db.execute<{ position: number }>(
      sql`SELECT position::int FROM events ORDER BY tx_id DESC, position DESC LIMIT 1`,
    );
    expect((await t.services.waiter.waitFor(['order_saga'], last!.position, 10_000)).freshness.stale).toBe(false);
  } finally {
    await worker.stop();
  }
  const [untouched] = await t.services.write.db.execute<{ sagas: number; charges: number; foreign: number }>(sql`
    SELECT (SELECT count(*) FROM order_sagas)::int AS sagas, (SELECT count(*) FROM gateway_charges)::int AS charges,
      (SELECT count(*) FROM events WHERE metadata->>'actor' <> ${actor})::int AS foreign`);
  expect(untouched).toEqual({ sagas: 0, charges: 0, foreign: 0 });
}

/**
 * Turns what a load wrote into what can be compared with another load of the same commands: ids
 * the handlers draw at random (a new user's or product's) become the commandId that created them,
 * and log positions become their rank in the log (a command refused after it drew a position
 * leaves a gap in the sequence; the order is what counts). `extra` names further ids.
 */
export async function comparable(db: Db, extra: Map<string, string> = new Map()) {
  const events = [
    ...(await db.execute<{ position: number; type: string; data: Record<string, string>; metadata: Record<string, string> }>(sql`
    SELECT position::int, type, data, metadata FROM events ORDER BY position`)),
  ];
  const names = new Map(extra);
  for (const e of events) {
    if (e.type === 'UserCreated') names.set(e.data.userId!, `user-of-${e.metadata.commandId}`);
    if (e.type === 'ProductCreated') names.set(e.data.productId!, `product-of-${e.metadata.commandId}`);
  }
  const rank = new Map(events.map((e, i) => [e.position, i + 1]));
  return <T>(value: T): T => {
    const text = JSON.stringify(value).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      (id) => names.get(id) ?? id,
    );
    return JSON.parse(text, (key, v: unknown) => (key === 'position' && typeof v === 'number' ? (rank.get(v) ?? v) : v)) as T;
  };
}

/**
 * The write model and the log, made comparable (above): events in log order (every column but the
 * random event_id and the transaction id), the rows of users, products, orders, order_lines and
 * command_results.
 */
export async function writeModelSnapshot(db: Db, extra?: Map<string, string>): Promise<unknown> {
  const q = async (query: ReturnType<typeof sql>) => [...(await db.execute<Record<string, unknown>>(query))];
  const dump = {
    events: await q(
      sql`SELECT position::int, stream_id, stream_version, type, schema_version, data, metadata, occurred_at FROM events ORDER BY position`,
    ),
    users: await q(sql`SELECT * FROM users ORDER BY created_at, email`),
    products: await q(sql`SELECT * FROM products ORDER BY sku`),
    orders: await q(sql`SELECT * FROM orders ORDER BY id`),
    orderLines: await q(sql`SELECT * FROM order_lines ORDER BY order_id, line_no`),
    commandResults: await q(sql`SELECT command_id, command_type, result FROM command_results ORDER BY command_id`),
  };
  return (await comparable(db, extra))(dump);
}
