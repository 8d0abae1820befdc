/**
 * The order saga against the real Postgres and Redis. With a worker in this process: each path of
 * the saga, compensation of a payment that never answers, 50 orders racing for the last 10 units,
 * lost jobs (a flushed Redis prefix). With worker processes: one killed with SIGKILL mid-saga and
 * another taking over. Both end with the read models agreeing with the orders' final states.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '@/server/commands/catalog';
import { createUser } from '@/server/commands/users';
import { placeOrder } from '@/server/commands/orders';
import { processPayment } from '@/server/saga/commands';
import { DomainError } from '@/server/domain/errors';
import { streamId } from '@/server/domain/events';
import { createLogger } from '@/server/log';
import { getOrder, listOrders } from '@/server/queries/orders';
import { userOrders } from '@/server/queries/users';
import { projectionNames } from '@/server/projections/registry';
import { SimulatedGateway } from '@/server/payments/simulated';
import type { ChargeResult, PaymentGateway } from '@/server/payments/gateway';
import { startWorker } from '@/server/readside/worker';
import { PAYMENT_ATTEMPTS, sagaWorkerOptions } from '@/server/saga/worker-options';
import { createTestEnv, deleteKeys, serverEnv, type TestEnv } from './support/harness';
import { spawnWorker, waitUntil, type WorkerProcess } from './support/readside';
import { EVENTS_CHANNEL, PROJECTIONS_CHANNEL } from '@/server/readside/channels';

const DEADLINE_MS = 2500; // per attempt; generous, because this machine is shared and a busy one must not time out tok_ok
const SLOW_MS = 20_000;
const log = createLogger('saga-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const actor = { actor: 'test:saga' };

/**
 * The simulated gateway, plus one test-only token: `tok_hang` never answers and never charges (a
 * request lost on the way), the case where compensation must void rather than refund.
 */
class GatewayWithHang implements PaymentGateway {
  constructor(readonly inner: SimulatedGateway) {}
  charge(orderId: string, amountCents: number, token: string): Promise<ChargeResult> {
    return token === 'tok_hang' ? new Promise<ChargeResult>(() => {}) : this.inner.charge(orderId, amountCents, token);
  }
  refund(orderId: string) {
    return this.inner.refund(orderId);
  }
}

let t: TestEnv;
let worker: Awaited<ReturnType<typeof startWorker>>;
let gateway: GatewayWithHang;
let userId: string;

beforeAll(async () => {
  t = await createTestEnv('saga', { poolMax: 10 });
  gateway = new GatewayWithHang(new SimulatedGateway(t.services.write.sql, { slowMs: SLOW_MS }));
  const env = { ...t.services.env, PAYMENT_DEADLINE_MS: DEADLINE_MS, PAYMENT_SLOW_MS: SLOW_MS };
  worker = await startWorker(t.services, log, { ...sagaWorkerOptions(env, { gateway, sweepMs: 200 }), sweepMs: 500 });
  userId = (await createUser(t.services, actor, { email: 'buyer@example.test', name: 'Buyer' })).userId;
});

afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

const sql = () => t.services.write.sql;

async function product(stock: number, priceCents = 1250) {
  const tag = randomUUID().slice(0, 8);
  return (await createProduct(t.services, actor, { sku: `SAGA-${tag}`, name: `Saga product ${tag}`, priceCents, stock })).productId;
}

async function place(token: string, items: { productId: string; quantity: number }[], buyer = userId) {
  return placeOrder(t.services, actor, { userId: buyer, items, payment: { token } });
}

/**
 * Waits until every order's saga is done on the write side, re-checking on each commit of a command
 * or of the saga's own batch (their NOTIFYs); fails with the sagas still open.
 */
async function settled(orderIds: string[], timeoutMs = 30_000, db = sql()) {
  let open: { order_id: string; step: string; attempts: number }[] = [];
  await waitUntil(
    db,
    async () => {
      open = await db<{ order_id: string; step: string; attempts: number }[]>`
      SELECT o.id AS order_id, s.step, s.attempts FROM orders o LEFT JOIN order_sagas s ON s.order_id = o.id
      WHERE o.id = ANY(${orderIds}::uuid[]) AND (s.done IS DISTINCT FROM 1 OR o.status NOT IN ('completed', 'cancelled'))`;
      return open.length === 0;
    },
    { timeoutMs, channels: [EVENTS_CHANNEL, PROJECTIONS_CHANNEL], what: 'every saga was done' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; sagas still open: ${JSON.stringify(open.slice(0, 5))}`);
  });
}

async function stream(orderId: string) {
  return sql()<
    {
      event_id: string;
      type: string;
      data: Record<string, unknown>;
      metadata: { correlationId: string; causationId: string | null; actor: string };
    }[]
  >`
    SELECT event_id, type, data, metadata FROM events WHERE stream_id = ${streamId.order(orderId)} ORDER BY stream_version`;
}

async function ledger(orderId: string) {
  const [row] = await sql()<
    { status: string; charge_id: string; amount_cents: number }[]
  >`SELECT status, charge_id, amount_cents FROM gateway_charges WHERE order_id = ${orderId}`;
  return row ?? null;
}

async function stock(productId: string) {
  const [row] = await sql()<{ on_hand: number; reserved: number }[]>`SELECT on_hand, reserved FROM products WHERE id = ${productId}`;
  return row!;
}

/** The order as orders.get shows it, once the read model has passed the order's last event. */
async function shown(orderId: string) {
  const [last] = await sql()<
    { position: string }[]
  >`SELECT max(position)::text AS position FROM events WHERE stream_id = ${streamId.order(orderId)}`;
  const answer = await getOrder(t.services, { orderId, minPosition: Number(last!.position), waitMs: 10_000 });
  expect(answer.freshness.stale).toBe(false);
  return answer.data!;
}

describe('the order saga', () => {
  it('completes a paid order whose stock is there: charged once, stock shipped, every step caused by the one before', async () => {
    const p = await product(5);
    const buyer = (await createUser(t.services, actor, { email: 'happy@example.test', name: 'Happy' })).userId;
    const { orderId } = await place('tok_ok', [{ productId: p, quantity: 2 }], buyer);
    await settled([orderId]);

    const events = await stream(orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentProcessed', 'InventoryReserved', 'OrderCompleted']);
    const [placed, ...saga] = events;
    for (const [i, e] of saga.entries()) {
      expect(e.metadata).toMatchObject({ actor: 'saga', correlationId: placed!.metadata.correlationId, causationId: events[i]!.event_id });
    }
    expect(await ledger(orderId)).toMatchObject({ status: 'charged', amount_cents: 2 * 1250, charge_id: events[1]!.data.chargeId });
    expect(await stock(p)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await shown(orderId)).toMatchObject({ status: 'completed', sagaStep: 'done', cancelReason: null, totalCents: 2500 });
    // The same state through users.orders and orders.list.
    const mine = await userOrders(t.services, { userId: buyer, limit: 10 });
    expect(mine.data.items).toEqual([expect.objectContaining({ orderId, status: 'completed', sagaStep: 'done' })]);
    const listed = await listOrders(t.services, { status: 'completed', limit: 100 });
    expect(listed.data.items.map((o) => o.orderId)).toContain(orderId);
  });

  it('cancels a declined payment with reason payment_failed, touching no stock', async () => {
    const p = await product(5);
    const { orderId } = await place('tok_decline', [{ productId: p, quantity: 1 }]);
    await settled([orderId]);

    expect((await stream(orderId)).map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentFailed', 'OrderCancelled']);
    expect(await ledger(orderId)).toMatchObject({ status: 'declined' });
    expect(await stock(p)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await shown(orderId)).toMatchObject({ status: 'cancelled', sagaStep: 'done', cancelReason: 'payment_failed', refundedCents: 0 });
  });

  it('refunds and cancels an order whose stock is short (out_of_stock), reserving none of its lines', async () => {
    const plenty = await product(10);
    const scarce = await product(1);
    const { orderId } = await place('tok_ok', [
      { productId: plenty, quantity: 1 },
      { productId: scarce, quantity: 2 },
    ]);
    await settled([orderId]);

    const events = await stream(orderId);
    expect(events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'PaymentProcessed',
      'InventoryUnavailable',
      'PaymentRefunded',
      'OrderCancelled',
    ]);
    expect(events[2]!.data.shortages).toEqual([{ productId: scarce, requested: 2, available: 1 }]);
    expect(events[4]!.data).toMatchObject({ reason: 'out_of_stock', released: [] });
    expect(await ledger(orderId)).toMatchObject({ status: 'refunded', charge_id: events[1]!.data.chargeId });
    expect(await stock(plenty)).toEqual({ on_hand: 10, reserved: 0 });
    expect(await stock(scarce)).toEqual({ on_hand: 1, reserved: 0 });
    expect(await shown(orderId)).toMatchObject({ status: 'cancelled', cancelReason: 'out_of_stock', refundedCents: 3 * 1250 });
  });

  it('compensates tok_slow past its deadline: retried, then refunded (it was charged) and cancelled payment_timeout; a late answer changes nothing', async () => {
    const p = await product(5);
    const { orderId } = await place('tok_slow', [{ productId: p, quantity: 1 }]);
    await settled([orderId], 6 * DEADLINE_MS * PAYMENT_ATTEMPTS);

    const events = await stream(orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentProcessed', 'PaymentRefunded', 'OrderCancelled']);
    expect(events[3]!.data).toMatchObject({ reason: 'payment_timeout' });
    const charge = await ledger(orderId);
    expect(charge).toMatchObject({ status: 'refunded', charge_id: events[1]!.data.chargeId });
    const [saga] = await sql()<{ step: string; done: number }[]>`SELECT step, done FROM order_sagas WHERE order_id = ${orderId}`;
    expect(saga).toEqual({ step: 'done', done: 1 });

    // The gateway's late answer is the first one (it charged); recording it now is refused.
    const late = await t.services.write.db
      .transaction((tx) => processPayment(tx, {}, { orderId, outcome: { ok: true, chargeId: charge!.charge_id } }))
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(late).toBeInstanceOf(DomainError);
    expect((late as DomainError).code).toBe('CONFLICT');
    expect(await shown(orderId)).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout', refundedCents: 1250 });
    expect(await stock(p)).toEqual({ on_hand: 5, reserved: 0 });
  }, 90_000);

  it('compensates a payment that never reached the gateway by voiding it: a charge arriving later is declined', async () => {
    const p = await product(5);
    const { orderId } = await place('tok_hang', [{ productId: p, quantity: 1 }]);
    await settled([orderId], 6 * DEADLINE_MS * PAYMENT_ATTEMPTS);

    const events = await stream(orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(events[1]!.data).toMatchObject({ reason: 'payment_timeout' });
    expect(await ledger(orderId)).toMatchObject({ status: 'voided' });
    // The lost request finally lands: the void declines it, so nobody is charged for a cancelled order.
    expect(await gateway.inner.charge(orderId, 1250, 'tok_ok')).toEqual({ ok: false, reason: 'voided' });
    expect(await ledger(orderId)).toMatchObject({ status: 'voided' });
  }, 90_000);

  it('sells the last 10 units to exactly 10 of 50 concurrent orders; the other 40 are refunded and cancelled; stock never goes negative', async () => {
    const p = await product(10, 999);
    const buyers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createUser(t.services, actor, { email: `racer${i}@example.test`, name: `Racer ${i}` })),
    );
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) => place(`tok_ok_${i}`, [{ productId: p, quantity: 1 }], buyers[i % 5]!.userId)),
    );
    const ids = placed.map((o) => o.orderId);
    await settled(ids, 60_000);

    const finals = await sql()<{ status: string; cancel_reason: string | null; n: number }[]>`
      SELECT status, cancel_reason, count(*)::int AS n FROM orders WHERE id = ANY(${ids}::uuid[]) GROUP BY 1, 2 ORDER BY 1`;
    expect(finals).toEqual([
      { status: 'cancelled', cancel_reason: 'out_of_stock', n: 40 },
      { status: 'completed', cancel_reason: null, n: 10 },
    ]);
    const charges = await sql()<{ status: string; order_status: string; n: number }[]>`
      SELECT g.status, o.status AS order_status, count(*)::int AS n FROM orders o JOIN gateway_charges g ON g.order_id = o.id
      WHERE o.id = ANY(${ids}::uuid[]) GROUP BY 1, 2 ORDER BY 1`;
    expect(charges).toEqual([
      { status: 'charged', order_status: 'completed', n: 10 },
      { status: 'refunded', order_status: 'cancelled', n: 40 },
    ]);
    expect(await stock(p)).toEqual({ on_hand: 0, reserved: 0 });

    // Replaying the log in order, the units still available never went below zero.
    const moves = await sql()<
      { type: string; data: { lines?: { productId: string; quantity: number }[]; released?: { productId: string; quantity: number }[] } }[]
    >`
      SELECT type, data FROM events WHERE type IN ('InventoryReserved', 'OrderCancelled', 'OrderCompleted') AND stream_id = ANY(${ids.map(streamId.order)}::text[])
      ORDER BY tx_id, position`;
    let available = 10;
    let lowest = available;
    for (const m of moves) {
      const qty = (ls?: { productId: string; quantity: number }[]) =>
        (ls ?? []).filter((l) => l.productId === p).reduce((n, l) => n + l.quantity, 0);
      if (m.type === 'InventoryReserved') available -= qty(m.data.lines);
      if (m.type === 'OrderCancelled') available += qty(m.data.released);
      lowest = Math.min(lowest, available);
    }
    expect(lowest).toBe(0);
    expect(moves.filter((m) => m.type === 'InventoryReserved')).toHaveLength(10);
  }, 90_000);

  it('finishes sagas whose jobs were lost with a flushed Redis prefix (the sweeper re-drives them)', async () => {
    const p = await product(100);
    const placed = await Promise.all(Array.from({ length: 8 }, () => place('tok_ok', [{ productId: p, quantity: 1 }])));
    await deleteKeys(t.services.redisUrl, t.prefix);
    await settled(
      placed.map((o) => o.orderId),
      20 * DEADLINE_MS,
    );
    const [row] = await sql()<{ n: number; charged: number }[]>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE g.status = 'charged')::int AS charged
      FROM orders o JOIN gateway_charges g ON g.order_id = o.id WHERE o.id = ANY(${placed.map((o) => o.orderId)}::uuid[]) AND o.status = 'completed'`;
    expect(row).toEqual({ n: 8, charged: 8 });
    expect(await stock(p)).toEqual({ on_hand: 92, reserved: 0 });
  }, 60_000);

  it('read models agree with the final states: orders, revenue, user totals and inventory', async () => {
    await expectReadModelsAgree(t);
  }, 60_000);
});

describe('the order saga across a worker killed with SIGKILL', () => {
  const CRASH_DEADLINE_MS = 5000; // the default: a worker restart must not use up the payment attempts
  let c: TestEnv;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    c = await createTestEnv('saga_crash', { poolMax: 5 });
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await c?.cleanup();
  });

  it('ends every order in its right state with nobody charged twice, every refund matching a charge, and the read models agreeing', async () => {
    const env = { ...serverEnv(c), PAYMENT_DEADLINE_MS: String(CRASH_DEADLINE_MS), PAYMENT_SLOW_MS: '120000', LOG_LEVEL: 'warn' };
    const db = c.services.write.sql;
    const make = async (stock: number, name: string) =>
      (await createProduct(c.services, actor, { sku: `CRASH-${name}`, name, priceCents: 700, stock })).productId;
    const plenty = await make(1000, 'plenty');
    const SCARCE_STOCK = 3;
    const scarce = await make(SCARCE_STOCK, 'scarce');
    const buyers = await Promise.all(
      [0, 1, 2].map((i) => createUser(c.services, actor, { email: `crash${i}@example.test`, name: `Crash ${i}` })),
    );
    type Kind = 'ok' | 'scarce' | 'decline' | 'slow';
    const orders: { orderId: string; kind: Kind }[] = [];
    const wave = async (n: number, offset: number) => {
      const kinds: Kind[] = ['ok', 'ok', 'ok', 'scarce', 'ok', 'decline', 'ok', 'ok', 'slow', 'ok'];
      const placed = await Promise.all(
        Array.from({ length: n }, async (_, j) => {
          const i = offset + j;
          const kind = kinds[i % kinds.length]!;
          const token = kind === 'decline' ? 'tok_decline' : kind === 'slow' ? 'tok_slow' : `tok_ok_${i}`;
          const item = { productId: kind === 'scarce' ? scarce : plenty, quantity: 1 };
          const { orderId } = await placeOrder(c.services, actor, { userId: buyers[i % 3]!.userId, items: [item], payment: { token } });
          return { orderId, kind };
        }),
      );
      orders.push(...placed);
    };

    workers.push(spawnWorker(env));
    await wave(40, 0);
    // Kill it once sagas are moving: some orders completed, others still open.
    await waitUntil(
      db,
      async () => {
        const [row] = await db<{ completed: number }[]>`SELECT count(*)::int AS completed FROM orders WHERE status = 'completed'`;
        return row!.completed >= 5;
      },
      { timeoutMs: 60_000, channels: [EVENTS_CHANNEL], recheckMs: 100, what: 'five orders completed' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}:\n${workers[0]!.output()}`);
    });
    await workers[0]!.kill9();
    const [inFlight] = await db<
      { open: number }[]
    >`SELECT count(*)::int AS open FROM orders WHERE status NOT IN ('completed', 'cancelled')`;
    expect(inFlight!.open, 'sagas were in flight when the worker was killed').toBeGreaterThan(0);

    await wave(20, 40); // placed while no worker runs
    workers.push(spawnWorker(env));
    await settled(
      orders.map((o) => o.orderId),
      120_000,
      db,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nworker after the kill:\n${workers[1]!.output()}`);
    });

    const finals = new Map(
      (
        await db<{ id: string; status: string; cancel_reason: string | null }[]>`
      SELECT id, status, cancel_reason FROM orders WHERE id = ANY(${orders.map((o) => o.orderId)}::uuid[])`
      ).map((r) => [r.id, r]),
    );
    const stateOf = (kind: Kind) =>
      orders
        .filter((o) => o.kind === kind)
        .map((o) => {
          const f = finals.get(o.orderId)!;
          return `${f.status}:${f.cancel_reason ?? ''}`;
        });
    const wrongOk = orders.filter((o) => o.kind === 'ok' && finals.get(o.orderId)!.status !== 'completed').map((o) => o.orderId);
    if (wrongOk.length) {
      const detail =
        await db`SELECT stream_id, type, occurred_at, metadata->>'actor' AS actor FROM events WHERE stream_id = ANY(${wrongOk.map(streamId.order)}::text[]) ORDER BY position`;
      const ledgerRows = await db`SELECT * FROM gateway_charges WHERE order_id = ANY(${wrongOk}::uuid[])`;
      console.error(
        JSON.stringify({ detail, ledgerRows }, null, 1),
        '\nW1:',
        workers[0]!.output().slice(-6000),
        '\nW2:',
        workers[1]!.output().slice(-6000),
      );
    }
    expect(new Set(stateOf('ok'))).toEqual(new Set(['completed:']));
    expect(new Set(stateOf('decline'))).toEqual(new Set(['cancelled:payment_failed']));
    expect(new Set(stateOf('slow'))).toEqual(new Set(['cancelled:payment_timeout']));
    const scarceStates = stateOf('scarce');
    expect(scarceStates.filter((x) => x === 'completed:')).toHaveLength(SCARCE_STOCK);
    expect(scarceStates.filter((x) => x === 'cancelled:out_of_stock')).toHaveLength(scarceStates.length - SCARCE_STOCK);

    // Nobody charged twice: one ledger row per order, at most one PaymentProcessed, and it names that row's charge.
    const doubles = await db`
      SELECT o.id, count(e.*) AS payments, g.charge_id, array_agg(e.data->>'chargeId') AS recorded FROM orders o
      LEFT JOIN gateway_charges g ON g.order_id = o.id
      LEFT JOIN events e ON e.stream_id = 'order-' || o.id AND e.type = 'PaymentProcessed'
      GROUP BY o.id, g.charge_id
      HAVING count(e.*) > 1 OR (count(e.*) = 1 AND g.charge_id IS DISTINCT FROM max(e.data->>'chargeId'))`;
    expect(doubles).toEqual([]);
    const ledger = await db<{ status: string; n: number }[]>`SELECT status, count(*)::int AS n FROM gateway_charges GROUP BY 1 ORDER BY 1`;
    const count = (kind: Kind) => orders.filter((o) => o.kind === kind).length;
    expect(ledger).toEqual([
      { status: 'charged', n: count('ok') + SCARCE_STOCK },
      { status: 'declined', n: count('decline') },
      { status: 'refunded', n: count('scarce') - SCARCE_STOCK + count('slow') },
    ]);
    const stock = await db<
      { id: string; on_hand: number; reserved: number }[]
    >`SELECT id, on_hand, reserved FROM products ORDER BY on_hand`;
    expect(new Map(stock.map((p) => [p.id, [p.on_hand, p.reserved]]))).toEqual(
      new Map([
        [scarce, [0, 0]],
        [plenty, [1000 - count('ok'), 0]],
      ]),
    );

    await expectReadModelsAgree(c);
  }, 240_000);
});

/** Every read model, once caught up, tells the same story as the write side and the gateway's ledger. */
async function expectReadModelsAgree(env: TestEnv) {
  const db = env.services.write.sql;
  const [end] = await db<{ position: string }[]>`SELECT max(position)::text AS position FROM events`;
  const { freshness } = await env.services.waiter.waitFor(projectionNames, Number(end!.position), 10_000);
  expect(freshness.stale).toBe(false);

  const summaryMismatches = await db`
    SELECT o.id, o.status, s.status AS shown, o.cancel_reason, s.cancel_reason AS shown_reason FROM orders o
    LEFT JOIN order_summaries s ON s.order_id = o.id
    WHERE s.order_id IS NULL OR s.status <> o.status OR s.cancel_reason IS DISTINCT FROM o.cancel_reason`;
  expect(summaryMismatches).toEqual([]);

  const [revenue] = await db<{ placed: number; completed: number; cancelled: number; revenue: number; refunded: number }[]>`
    SELECT coalesce(sum(placed_count), 0)::int AS placed, coalesce(sum(completed_count), 0)::int AS completed,
      coalesce(sum(cancelled_count), 0)::int AS cancelled, coalesce(sum(revenue_cents), 0)::int AS revenue, coalesce(sum(refunded_cents), 0)::int AS refunded
    FROM daily_revenue`;
  const [truth] = await db<{ placed: number; completed: number; cancelled: number; revenue: number; refunded: number }[]>`
    SELECT count(*)::int AS placed, count(*) FILTER (WHERE status = 'completed')::int AS completed,
      count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
      coalesce(sum(total_cents) FILTER (WHERE status = 'completed'), 0)::int AS revenue,
      (SELECT coalesce(sum(amount_cents), 0)::int FROM gateway_charges WHERE status = 'refunded') AS refunded
    FROM orders`;
  expect(revenue).toEqual(truth);

  const profileMismatches = await db`
    SELECT u.id, p.total_orders, p.total_spent_cents, t.orders, t.spent FROM users u
    JOIN user_profiles p ON p.user_id = u.id
    CROSS JOIN LATERAL (SELECT count(*)::int AS orders, coalesce(sum(total_cents), 0)::bigint AS spent FROM orders o WHERE o.user_id = u.id AND o.status = 'completed') t
    WHERE p.total_orders <> t.orders OR p.total_spent_cents <> t.spent`;
  expect(profileMismatches).toEqual([]);

  const inventoryMismatches = await db`
    SELECT p.id, p.on_hand, p.reserved, i.on_hand AS shown_on_hand, i.reserved AS shown_reserved FROM products p
    LEFT JOIN inventory i ON i.product_id = p.id
    WHERE i.product_id IS NULL OR i.on_hand <> p.on_hand OR i.reserved <> p.reserved`;
  expect(inventoryMismatches).toEqual([]);

  // Nobody holds a charge for an order that did not complete, and every refund matches a charge.
  const money = await db`
    SELECT o.id, o.status, g.status AS ledger FROM orders o LEFT JOIN gateway_charges g ON g.order_id = o.id
    WHERE (o.status = 'completed' AND g.status IS DISTINCT FROM 'charged')
       OR (o.status = 'cancelled' AND g.status = 'charged')
       OR (g.status = 'refunded' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = 'order-' || o.id AND e.type = 'PaymentRefunded'))`;
  expect(money).toEqual([]);
}
