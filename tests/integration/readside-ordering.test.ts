/**
 * Invariants 2 and 3 when transactions commit out of order: an event whose transaction is still
 * open holds every consumer back (nothing after it is applied and no checkpoint moves past it);
 * once it commits, each projection applies every event exactly once, in log order (tx_id, position).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '@/server/projections/registry';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { Relay, RELAY_CHECKPOINT } from '@/server/readside/relay';
import { createUser } from '@/server/commands/users';
import { userProfile } from '@/server/queries/users';
import { getOrder } from '@/server/queries/orders';
import { projectionStatus } from '@/server/queries/ops';
import { createTestEnv, type TestEnv } from './support/harness';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingTable,
  ctx,
  logEnd,
  mismatchesWithLog,
  runnerAndRelay,
  testLog,
  type Point,
} from './support/readside';

let t: TestEnv;
const counting = countingProjection();
const defs = [...projections, counting];
let runner: ProjectionRunner;
let relay: Relay;

beforeAll(async () => {
  t = await createTestEnv('readside_ordering', { poolMax: 8 });
  await createCountingTable(t.services.read.sql);
  // As a worker on one database wires them: the relay moves the consumers with nothing to apply.
  ({ runner, relay } = await runnerAndRelay(t, defs, { local: true }));
});
afterAll(async () => {
  await t?.cleanup();
});

/** The relay and every projection catch up once, as the worker's jobs would. */
async function catchUpOnce() {
  await relay.run();
  for (const d of defs) await runner.catchUp(d.name);
}

/**
 * Catches up until every consumer is at the end of the log. The safe horizon is cluster-wide: a
 * transaction of any database on this server (other test files run in parallel) may hold it back
 * for a moment, and nothing notifies when such a foreign transaction ends, so this goes round again.
 */
async function catchUpAll() {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await catchUpOnce();
    const end = await logEnd(t.services.read.sql);
    const cks = await checkpointRows(t.services.read.sql);
    if (!end || [...defs.map((d) => d.name), RELAY_CHECKPOINT].every((n) => at(end, cks.get(n)!))) return;
    if (Date.now() > deadline) throw new Error('consumers did not reach the end of the log within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const at = (p: Point, ck: Point) => ck.txId > p.txId || (ck.txId === p.txId && ck.position >= p.position);

/** A raw transaction on its own connection that appends one event and stays open until released. */
async function openTransaction(
  opts: { takeXidFirst: boolean; beforeInsert?: Promise<void> },
  event: { userId: string; email: string; version: number },
) {
  let release!: (commit: boolean) => void;
  const decision = new Promise<boolean>((r) => {
    release = r;
  });
  let inserted!: (p: Point) => void;
  const insertedP = new Promise<Point>((r) => {
    inserted = r;
  });
  let xid!: (x: bigint) => void;
  const xidP = new Promise<bigint>((r) => {
    xid = r;
  });
  const done = t.services.write.sql
    .begin(async (tx) => {
      if (opts.takeXidFirst) {
        const [row] = await tx<{ x: string }[]>`SELECT pg_current_xact_id()::text AS x`;
        xid(BigInt(row!.x));
      }
      await opts.beforeInsert;
      const [row] = await tx<{ position: string; tx_id: string }[]>`
      INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      VALUES (${randomUUID()}, ${`user-${event.userId}`}, ${event.version}, 'UserEmailUpdated', 1,
        ${JSON.stringify({ userId: event.userId, email: event.email, previousEmail: 'someone@example.test' })}::jsonb,
        ${JSON.stringify({ correlationId: randomUUID(), causationId: null, commandId: randomUUID(), actor: 'test:raw' })}::jsonb, now())
      RETURNING position, tx_id::text`;
      xid(BigInt(row!.tx_id));
      inserted({ txId: BigInt(row!.tx_id), position: Number(row!.position) });
      if (!(await decision)) throw new Error('rolled back on purpose');
    })
    .catch((err: Error) => {
      if (err.message !== 'rolled back on purpose') throw err;
    });
  return {
    xid: xidP,
    inserted: insertedP,
    commit: async () => {
      release(true);
      await done;
    },
    rollback: async () => {
      release(false);
      await done;
    },
  };
}

/** A raw, committed event on the same user stream. */
async function appendCommitted(userId: string, email: string, version: number): Promise<Point> {
  const [row] = await t.services.write.sql<{ position: string; tx_id: string }[]>`
    INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
    VALUES (${randomUUID()}, ${`user-${userId}`}, ${version}, 'UserEmailUpdated', 1,
      ${JSON.stringify({ userId, email, previousEmail: 'someone@example.test' })}::jsonb,
      ${JSON.stringify({ correlationId: randomUUID(), causationId: null, commandId: randomUUID(), actor: 'test:raw' })}::jsonb, now())
    RETURNING position, tx_id::text`;
  return { txId: BigInt(row!.tx_id), position: Number(row!.position) };
}

async function handledCounts() {
  const rows = await t.services.read.sql<{ type: string; n: string }[]>`SELECT type, count(*) AS n FROM events GROUP BY type`;
  const byType = new Map(rows.map((r) => [r.type, Number(r.n)]));
  return Object.fromEntries(defs.map((d) => [d.name, d.handles.reduce((a, ty) => a + (byType.get(ty) ?? 0), 0)]));
}

async function expectEverythingAppliedOnceInOrder() {
  expect(await countingReport(t.services.read.sql)).toEqual({
    rows: expect.any(Number),
    duplicated: 0,
    missing: 0,
    unexpected: 0,
    outOfOrder: 0,
  });
  const end = (await logEnd(t.services.read.sql))!;
  const cks = await checkpointRows(t.services.read.sql);
  const expected = await handledCounts();
  for (const d of defs) {
    const ck = cks.get(d.name)!;
    expect({ name: d.name, atEnd: at(end, ck), status: ck.status, applied: ck.eventsApplied }).toEqual({
      name: d.name,
      atEnd: true,
      status: 'running',
      applied: expected[d.name],
    });
  }
  expect(at(end, cks.get(RELAY_CHECKPOINT)!)).toBe(true);
  const { mismatches, tables } = await mismatchesWithLog(t.services.read, [...projections]);
  expect(mismatches).toEqual([]);
  expect(tables.find((x) => x.table === 'user_profiles')!.liveRows).toBeGreaterThan(0);
}

describe('out-of-order commits', () => {
  it("holds every consumer at an open transaction's event, then applies both events once, in log order", async () => {
    const { userId } = await createUser(t.services, ctx(), { email: 'first@example.test', name: 'Ordered One' });
    await catchUpAll();

    // A appends and stays open; B appends after A (higher position) and commits first.
    const a = await openTransaction({ takeXidFirst: false }, { userId, email: 'from-a@example.test', version: 2 });
    const aEvent = await a.inserted;
    const bEvent = await appendCommitted(userId, 'from-b@example.test', 3);
    const other = await createUser(t.services, ctx(), { email: 'second@example.test', name: 'Ordered Two' });
    expect(bEvent.position).toBeGreaterThan(aEvent.position);
    expect(bEvent.txId).toBeGreaterThan(aEvent.txId);

    const appliedBefore = (await checkpointRows(t.services.read.sql)).get('counting')!.eventsApplied;
    await catchUpOnce();
    const held = await checkpointRows(t.services.read.sql);
    for (const name of [...defs.map((d) => d.name), RELAY_CHECKPOINT]) {
      expect({ name, passedA: at(aEvent, held.get(name)!) }).toEqual({ name, passedA: false });
    }
    expect(held.get('counting')!.eventsApplied).toBe(appliedBefore);
    const [seen] = await t.services.read.sql<
      { n: string }[]
    >`SELECT count(*) AS n FROM applied_events WHERE position >= ${aEvent.position}`;
    expect(Number(seen!.n)).toBe(0);
    // B's user is committed but not applied yet: the profile answers null, and ops shows the lag.
    expect((await userProfile(t.services, { userId: other.userId })).data).toBeNull();
    const status = await projectionStatus(t.services);
    expect(status.data.find((p) => p.name === 'user_profile')!.lagEvents).toBeGreaterThanOrEqual(2);

    await a.commit();
    await catchUpAll();

    // Log order is A then B, so B's email is the one that stands.
    const profile = await userProfile(t.services, { userId });
    expect(profile.data).toMatchObject({ email: 'from-b@example.test' });
    expect((await userProfile(t.services, { userId: other.userId })).data).toMatchObject({ email: 'second@example.test' });
    const [applied] = await t.services.read.sql<{ a: number; b: number }[]>`
      SELECT (SELECT applied FROM applied_events WHERE position = ${aEvent.position}) AS a, (SELECT applied FROM applied_events WHERE position = ${bEvent.position}) AS b`;
    expect(applied).toEqual({ a: 1, b: 1 });
    await expectEverythingAppliedOnceInOrder();

    // Delivered again: nothing changes.
    const before = await checkpointRows(t.services.read.sql);
    for (const d of defs) expect(await runner.catchUp(d.name)).toEqual({ kind: 'idle' });
    expect(await checkpointRows(t.services.read.sql)).toEqual(before);
  });

  it('orders by transaction, not position: an older transaction that inserts last still comes first', async () => {
    const { userId } = await createUser(t.services, ctx(), { email: 'third@example.test', name: 'Ordered Three' });
    await catchUpAll();

    // A takes its transaction id first but inserts only after B has inserted and committed.
    let letAInsert!: () => void;
    const aMayInsert = new Promise<void>((r) => {
      letAInsert = r;
    });
    const a = await openTransaction(
      { takeXidFirst: true, beforeInsert: aMayInsert },
      { userId, email: 'older-tx@example.test', version: 2 },
    );
    const aXid = await a.xid;
    const bEvent = await appendCommitted(userId, 'younger-tx@example.test', 3);
    expect(bEvent.txId).toBeGreaterThan(aXid);
    await catchUpOnce();
    const held = await checkpointRows(t.services.read.sql);
    for (const d of defs) expect({ name: d.name, passedB: at(bEvent, held.get(d.name)!) }).toEqual({ name: d.name, passedB: false });

    letAInsert();
    const aEvent = await a.inserted;
    expect(aEvent.position).toBeGreaterThan(bEvent.position);
    await a.commit();
    await catchUpAll();

    // (tx_id, position) order: A's event, then B's, although A's position is higher.
    const [order] = await t.services.read.sql<{ a: string; b: string }[]>`
      SELECT (SELECT seq FROM applied_events WHERE position = ${aEvent.position}) AS a, (SELECT seq FROM applied_events WHERE position = ${bEvent.position}) AS b`;
    expect(BigInt(order!.a)).toBeLessThan(BigInt(order!.b));
    expect((await userProfile(t.services, { userId })).data).toMatchObject({ email: 'younger-tx@example.test' });
    await expectEverythingAppliedOnceInOrder();
  });

  it('a rolled-back transaction leaves nothing behind and holds nothing up', async () => {
    const { userId } = await createUser(t.services, ctx(), { email: 'fourth@example.test', name: 'Ordered Four' });
    const a = await openTransaction({ takeXidFirst: false }, { userId, email: 'never@example.test', version: 2 });
    const aEvent = await a.inserted;
    const bEvent = await appendCommitted(userId, 'kept@example.test', 3);
    await catchUpOnce();
    expect(at(bEvent, (await checkpointRows(t.services.read.sql)).get('user_profile')!)).toBe(false);
    await a.rollback();
    await catchUpAll();
    expect((await userProfile(t.services, { userId })).data).toMatchObject({ email: 'kept@example.test' });
    const [gone] = await t.services.read.sql<{ n: string }[]>`SELECT count(*) AS n FROM events WHERE position = ${aEvent.position}`;
    expect(Number(gone!.n)).toBe(0);
    await expectEverythingAppliedOnceInOrder();
  });
});

describe('transaction ids that gain a digit', () => {
  let fresh: TestEnv;
  beforeAll(async () => {
    fresh = await createTestEnv('readside_xid_digits', { poolMax: 4 });
  });
  afterAll(async () => {
    await fresh?.cleanup();
  });

  it('orders 9…9 before 10…0: no event skipped, none applied out of order, whatever the batch size', async () => {
    const s = fresh.services;
    // A log written by transactions …98, …99, 10…00, 10…01 (below the current id, so finished long
    // ago): the counter gaining a digit is what a long-lived database meets, compressed.
    const [cur] = await s.write.sql<{ x: string }[]>`SELECT pg_current_xact_id()::text AS x`;
    const ten = 10n ** BigInt(cur!.x.length - 1);
    expect(ten).toBeGreaterThan(100n);
    const orderId = randomUUID();
    const userId = randomUUID();
    const productId = randomUUID();
    const line = { productId, sku: 'SKU-X', name: 'Digit', quantity: 1, unitPriceCents: 500 };
    const events: [bigint, string, string, object][] = [
      [ten - 2n, `user-${userId}`, 'UserCreated', { userId, email: 'digits@example.test', name: 'Digits' }],
      [
        ten - 1n,
        `order-${orderId}`,
        'OrderPlaced',
        { orderId, userId, lines: [line], totalCents: 500, paymentToken: 'tok_ok', currency: 'USD' },
      ],
      [ten, `order-${orderId}`, 'PaymentProcessed', { orderId, amountCents: 500, chargeId: 'ch_1' }],
      [ten + 1n, `order-${orderId}`, 'InventoryReserved', { orderId, lines: [{ productId, quantity: 1 }] }],
      [
        ten + 1n,
        `order-${orderId}`,
        'OrderCompleted',
        { orderId, userId, totalCents: 500, currency: 'USD', lines: [{ productId, name: 'Digit', quantity: 1, unitPriceCents: 500 }] },
      ],
    ];
    const version = new Map<string, number>();
    for (const [tx, stream, type, data] of events) {
      const v = (version.get(stream) ?? 0) + 1;
      version.set(stream, v);
      await s.write.sql`
        INSERT INTO events (tx_id, event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        VALUES (${tx.toString()}::xid8, ${randomUUID()}, ${stream}, ${v}, ${type}, ${type === 'OrderPlaced' ? 2 : 1}, ${JSON.stringify(data)}::jsonb,
          ${JSON.stringify({ correlationId: orderId, causationId: null, commandId: randomUUID(), actor: 'test:raw' })}::jsonb, '2025-02-01T10:00:00Z')`;
    }
    await createCountingTable(s.read.sql);
    for (const batchSize of [1, 2, 1000]) {
      const name = `counting_b${batchSize}`;
      await s.read.sql`TRUNCATE applied_events`;
      const r = new ProjectionRunner(s.write, s.read, [countingProjection({ name }), ...(batchSize === 1000 ? projections : [])], testLog, {
        batchSize,
      });
      await r.ensureCheckpoints();
      for (const d of r.definitions) await r.catchUp(d.name);
      expect({ batchSize, report: await countingReport(s.read.sql) }).toEqual({
        batchSize,
        report: { rows: 5, duplicated: 0, missing: 0, unexpected: 0, outOfOrder: 0 },
      });
    }
    // In one batch, the order's events in log order: placed, then completed.
    expect((await getOrder(s, { orderId })).data).toMatchObject({ status: 'completed', sagaStep: 'done', totalCents: 500 });
    expect((await userProfile(s, { userId })).data).toMatchObject({ totalOrders: 1, totalSpentCents: 500 });
  });
});
