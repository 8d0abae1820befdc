/**
 * The `park-stream` dead-letter policy (order_summary's): a poison event in one order's stream
 * parks that event and every later event of the same order, in order, while every other order goes
 * on; after the fix, one retry replays the order's parked events in order and the table equals a
 * rebuild from the log. Discarding a parked event needs the typed confirmation.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSummaryProjection } from '@/server/projections/order-summary';
import { projections } from '@/server/projections/registry';
import type { ProjectionDefinition } from '@/server/projections/types';
import { streamId } from '@/server/domain/events';
import { recordHistoricalOrder } from '@/server/commands/history';
import { discardDeadLetter, retryDeadLetter } from '@/server/readside/dead-letters';
import { listDeadLetters, projectionStatus } from '@/server/queries/ops';
import { startWorker } from '@/server/readside/worker';
import { createTestEnv, type TestEnv } from './support/harness';
import { ctx, mismatchesWithLog, seedShop, settle, testLog, waitUntil, type Shop } from './support/readside';

let t: TestEnv;
let shop: Shop;
let poisonUser = '';
const fix = { deployed: false };
/** Until the fix, the projection cannot apply the payment of an order of `poisonUser`. */
const orderSummary: ProjectionDefinition = {
  ...orderSummaryProjection,
  async applyBatch(tx, events) {
    for (const e of events) {
      if (fix.deployed || e.type !== 'PaymentProcessed') continue;
      const placed = events.find((p) => p.type === 'OrderPlaced' && p.streamId === e.streamId);
      const userId =
        placed?.type === 'OrderPlaced'
          ? placed.data.userId
          : (
              await tx.execute<{ user_id: string }>(
                sql`SELECT user_id FROM order_summaries WHERE order_id = ${e.streamId.replace(/^order-/, '')}`,
              )
            )[0]?.user_id;
      if (userId === poisonUser) throw new Error(`poison: cannot apply ${e.type} of ${e.streamId}`);
    }
    await orderSummaryProjection.applyBatch(tx, events);
  },
};
const defs = [...projections.filter((p) => p.name !== 'order_summary'), orderSummary];
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  t = await createTestEnv('readside_park_stream', { poolMax: 6 });
  shop = await seedShop(t.services, { users: 3, products: 2 });
  poisonUser = shop.users[2]!;
  worker = await startWorker(t.services, testLog, { projections: defs, maxAttempts: 3, backoffMs: 20 });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

/** One completed order through the real decider: OrderPlaced, PaymentProcessed, InventoryReserved, OrderCompleted. */
async function completedOrder(i: number, userId = shop.users[i % 2]!) {
  const placed = new Date(Date.UTC(2025, 2, 1 + i, 10));
  const r = await recordHistoricalOrder(t.services, ctx({ commandId: randomUUID(), now: () => placed }), {
    userId,
    items: [{ productId: shop.products[i % shop.products.length]!, quantity: 1 + i }],
    paymentToken: 'tok_ok',
    outcome: 'completed',
    settledAt: new Date(placed.getTime() + 3_600_000),
  });
  return r;
}

const rowOf = async (orderId: string) =>
  (
    await t.services.read.sql<{ status: string; saga_step: string; paid_at: string | null }[]>`
    SELECT status, saga_step, paid_at FROM order_summaries WHERE order_id = ${orderId}`
  )[0];

const openLetters = async () => (await listDeadLetters(t.services)).data.filter((l) => l.projection === 'order_summary' && !l.resolvedAt);

describe('park-stream: a poison event in one order stream', () => {
  let poison: Awaited<ReturnType<typeof completedOrder>>;

  it("parks that order's event and its later events in order, while every other order is current", async () => {
    const s = t.services;
    const before = await completedOrder(0);
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );
    const [placed] = await s.read.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM order_summaries`;
    expect(placed!.n).toBe(1);

    // The poison order, and an order of someone else right after it (likely in the same batch).
    poison = await completedOrder(1, poisonUser);
    const other = await completedOrder(2);

    await waitUntil(s.read.sql, async () => (await openLetters()).length === 3, {
      what: "the poison order's three events parked",
      timeoutMs: 60_000,
    });
    const later = await completedOrder(3); // another order after the parking: it goes on
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );

    for (const o of [before, other, later])
      expect(await rowOf(o.orderId), o.orderId).toMatchObject({ status: 'completed', saga_step: 'done' });
    // The poison order waits at its last applied event (OrderPlaced): it did not skip to completed.
    expect(await rowOf(poison.orderId)).toMatchObject({ status: 'pending', saga_step: 'payment', paid_at: null });

    const letters = (await openLetters()).sort((a, b) => a.position - b.position);
    expect(letters.map((l) => ({ type: l.eventType, held: l.held, stream: l.streamId }))).toEqual([
      { type: 'PaymentProcessed', held: false, stream: streamId.order(poison.orderId) },
      { type: 'InventoryReserved', held: true, stream: streamId.order(poison.orderId) },
      { type: 'OrderCompleted', held: true, stream: streamId.order(poison.orderId) },
    ]);
    expect(letters[0]).toMatchObject({ attempts: 3, error: expect.stringContaining('poison') });

    // Lag counts what is parked; the projection itself runs on.
    const status = (await projectionStatus(s)).data.find((p) => p.name === 'order_summary')!;
    expect(status).toMatchObject({ status: 'running', parkedEvents: 3 });
    expect(status.lagEvents).toBeGreaterThanOrEqual(3);
  });

  it('refuses to discard without the typed confirmation, and a retry before the fix changes nothing', async () => {
    const s = t.services;
    const [head] = (await openLetters()).sort((a, b) => a.position - b.position);
    await expect(discardDeadLetter(s.read, head!.id, 'yes')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(discardDeadLetter(s.read, head!.id, `discard ${head!.position + 1}`)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await openLetters()).length).toBe(3);

    const early = await retryDeadLetter(s.read, s.write, defs, head!.id);
    expect(early).toMatchObject({ ok: false, applied: 0, error: expect.stringContaining('poison') });
    expect((await openLetters()).length).toBe(3);
    expect(await rowOf(poison.orderId)).toMatchObject({ status: 'pending' });
  });

  it('after the fix, one retry replays the stream in order and the table equals a rebuild from the log', async () => {
    const s = t.services;
    fix.deployed = true;
    const held = (await openLetters()).find((l) => l.eventType === 'OrderCompleted')!;
    // Retrying any of the stream's letters replays all of them, from the first, in order.
    expect(await retryDeadLetter(s.read, s.write, defs, held.id)).toEqual({ ok: true, applied: 3 });
    expect(await openLetters()).toEqual([]);
    expect(await rowOf(poison.orderId)).toMatchObject({
      status: 'completed',
      saga_step: 'done',
      paid_at: expect.stringMatching(/^2025-03-02/),
    });
    expect((await projectionStatus(s)).data.find((p) => p.name === 'order_summary')).toMatchObject({ parkedEvents: 0, lagEvents: 0 });

    // New events of that order's kind flow again, and the rows equal a rebuild from the log.
    await completedOrder(4);
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );
    expect((await mismatchesWithLog(s.read, [orderSummary])).mismatches).toEqual([]);
  });

  it('discards a parked event with the typed confirmation; the stream flows again once none is parked', async () => {
    const s = t.services;
    fix.deployed = false;
    const victim = await completedOrder(6, poisonUser);
    await waitUntil(s.read.sql, async () => (await openLetters()).length === 3, {
      what: 'the second poison order parked',
      timeoutMs: 60_000,
    });
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );
    const letters = (await openLetters())
      .filter((l) => l.streamId === streamId.order(victim.orderId))
      .sort((a, b) => a.position - b.position);
    expect(letters.map((l) => l.eventType)).toEqual(['PaymentProcessed', 'InventoryReserved', 'OrderCompleted']);
    for (const [i, l] of letters.entries()) {
      expect(await discardDeadLetter(s.read, l.id, `discard ${l.position}`)).toEqual({ ok: true });
      // The stream stays blocked while any of its events is parked.
      if (i < letters.length - 1) expect(await rowOf(victim.orderId)).toMatchObject({ status: 'pending' });
    }
    // None parked: the order's next events would flow again (discarded ones are never applied).
    expect(await openLetters()).toEqual([]);
    expect(await rowOf(victim.orderId)).toMatchObject({ status: 'pending', paid_at: null });
    const after = (await listDeadLetters(s)).data.filter((l) => l.streamId === streamId.order(victim.orderId));
    expect(after.every((l) => l.resolvedAt && l.discardedAt)).toBe(true);
    await expect(discardDeadLetter(s.read, letters[0]!.id, `discard ${letters[0]!.position}`)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
