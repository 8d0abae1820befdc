/**
 * The relay moves the checkpoints of local consumers that ignore what it relays (one statement
 * for all of them) and signals only the others. That must never move a consumer past an event it
 * handles, nor over a consumer that is applying right now, failed or retrying; and with relays
 * and steps racing in two workers, every event is still applied exactly once, in log order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '@/server/services';
import { createUser } from '@/server/commands/users';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { Relay, RELAY_CHECKPOINT } from '@/server/readside/relay';
import { startWorker } from '@/server/readside/worker';
import type { TestEnv } from './support/harness';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingEnv,
  ctx,
  logEnd,
  runCommands,
  runnerAndRelay,
  seedShop,
  settle,
  testLog,
  waitUntil,
  type Point,
} from './support/readside';

const orders = countingProjection({ name: 'counting_orders', table: 'applied_orders', handles: ['OrderPlaced'] });
const users = countingProjection({ name: 'counting_users', table: 'applied_users', handles: ['UserCreated'] });
const defs = [orders, users];

let t: TestEnv;
let runner: ProjectionRunner;
let relay: Relay;
let signalled: string[][];

beforeAll(async () => {
  t = await createCountingEnv('readside_relay_advance', { poolMax: 8, tables: ['applied_orders', 'applied_users'] });
  ({ runner, relay, signalled } = await runnerAndRelay(t, defs, { local: true }));
});
afterAll(async () => {
  await t?.cleanup();
});

const at = (p: Point | undefined) => (p ? `${p.txId}:${p.position}` : 'none');

/** Runs the relay until its checkpoint is at the end of the log (another file's open transaction may hold the horizon a moment). */
async function relayAll(): Promise<void> {
  await waitUntil(
    t.services.read.sql,
    async () => {
      await relay.run();
      const [end, cks] = [await logEnd(t.services.read.sql), await checkpointRows(t.services.read.sql)];
      return at(cks.get(RELAY_CHECKPOINT)) === at(end ?? undefined);
    },
    { recheckMs: 20, what: 'the relay reached the end of the log' },
  );
}

const newUser = (s: Services, i: number) => createUser(s, ctx(), { email: `advance${i}.${Date.now()}@example.test`, name: `Advance ${i}` });

describe('the relay moves idle local consumers', () => {
  it('moves a consumer with nothing to apply in its own run, and signals only the one with events to apply', async () => {
    const before = await checkpointRows(t.services.read.sql);
    signalled.length = 0;
    await newUser(t.services, 1);
    await newUser(t.services, 2);
    await relayAll();
    const end = await logEnd(t.services.read.sql);
    const cks = await checkpointRows(t.services.read.sql);
    expect(at(cks.get('counting_orders'))).toBe(at(end ?? undefined));
    expect(cks.get('counting_orders')!.eventsApplied).toBe(0);
    expect(at(cks.get('counting_users'))).toBe(at(before.get('counting_users')));
    expect(signalled.flat()).toContain('counting_users');
    expect(signalled.flat()).not.toContain('counting_orders');

    await runner.catchUp('counting_users');
    const after = await checkpointRows(t.services.read.sql);
    expect(at(after.get('counting_users'))).toBe(at(end ?? undefined));
    expect(await countingReport(t.services.read.sql, { table: 'applied_users', types: ['UserCreated'] })).toEqual({
      rows: 2,
      duplicated: 0,
      missing: 0,
      unexpected: 0,
      outOfOrder: 0,
    });
  });

  it('leaves a consumer that is being applied (its row locked) to its own step, and signals it', async () => {
    const before = await checkpointRows(t.services.read.sql);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    signalled.length = 0;
    // The event commits first: the lock holder takes a transaction id, and the horizon stays below it.
    await newUser(t.services, 3);
    const holder = t.services.read.sql.begin(async (sql) => {
      await sql`SELECT 1 FROM projection_checkpoints WHERE name = 'counting_orders' FOR UPDATE`;
      locked();
      await held;
    });
    await isLocked;
    try {
      await relayAll();
      const cks = await checkpointRows(t.services.read.sql);
      expect(at(cks.get('counting_orders'))).toBe(at(before.get('counting_orders')));
      expect(signalled.flat()).toContain('counting_orders');
    } finally {
      release();
      await holder;
    }
    await runner.catchUp('counting_orders');
    const end = await logEnd(t.services.read.sql);
    const cks = await checkpointRows(t.services.read.sql);
    expect(at(cks.get('counting_orders'))).toBe(at(end ?? undefined));
    expect(cks.get('counting_orders')!.eventsApplied).toBe(0);
  });

  it('never moves a failed or retrying consumer', async () => {
    await runner.catchUp('counting_users');
    const sql = t.services.read.sql;
    const states = [
      () => sql`UPDATE projection_checkpoints SET status = 'failed' WHERE name = 'counting_orders'`,
      () => sql`UPDATE projection_checkpoints SET failing_position = 1, failing_attempts = 1, retry_after = now() + interval '1 hour'
        WHERE name = 'counting_orders'`,
    ];
    for (const enter of states) {
      await enter();
      const before = await checkpointRows(t.services.read.sql);
      signalled.length = 0;
      await newUser(t.services, 4);
      await relayAll();
      const cks = await checkpointRows(t.services.read.sql);
      expect(at(cks.get('counting_orders'))).toBe(at(before.get('counting_orders')));
      expect(signalled.flat()).toContain('counting_orders');
      await t.services.read.sql`UPDATE projection_checkpoints SET status = 'running', failing_position = NULL, failing_attempts = 0,
        retry_after = NULL WHERE name = 'counting_orders'`;
    }
  });

  it('with relays and steps racing in two workers, applies every event exactly once, in log order', async () => {
    const second = t.peer('ll-test-relay-advance-b', { poolMax: 8 });
    const workers = [
      await startWorker(t.services, testLog, { projections: defs }),
      await startWorker(second, testLog, { projections: defs }),
    ];
    try {
      const shop = await seedShop(t.services, { users: 6, products: 4 });
      await Promise.all([
        runCommands(t.services, shop, 120, { concurrency: 3 }),
        runCommands(second, shop, 120, { concurrency: 3, offset: 120 }),
        (async () => {
          for (let i = 0; i < 20; i++) await newUser(i % 2 ? second : t.services, 100 + i);
        })(),
      ]);
      await settle(
        t.services.read.sql,
        defs.map((d) => d.name),
      );
      for (const d of defs) {
        const report = await countingReport(t.services.read.sql, { table: d.tables[0], types: d.handles });
        expect({ name: d.name, ...report }).toEqual({
          name: d.name,
          rows: report.rows,
          duplicated: 0,
          missing: 0,
          unexpected: 0,
          outOfOrder: 0,
        });
        expect(report.rows).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await second.close();
    }
  });
});
