/**
 * An order's row carries the customer's name from the user profile read model. An order answer
 * cached while that projection lagged behind (the name still unknown) is not served once it has
 * caught up, though no new event has come: both projections are in the answer's cache key and wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@/server/commands/users';
import { createProduct } from '@/server/commands/catalog';
import { placeOrder } from '@/server/commands/orders';
import { getOrder, listOrders } from '@/server/queries/orders';
import { userOrders } from '@/server/queries/users';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { projections } from '@/server/projections/registry';
import { MAX_WAIT_MS } from '@/server/readside/wait';
import { createTestEnv, type TestEnv } from './support/harness';
import { ctx, testLog } from './support/readside';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('order_customer_name');
});
afterAll(() => t?.cleanup());

describe("an order's customer name", () => {
  it('is not served from an answer cached before the user profile caught up', async () => {
    const s = t.services;
    const { userId } = await createUser(s, ctx(), { email: 'named@example.test', name: 'Named Customer' });
    const { productId } = await createProduct(s, ctx(), { sku: 'NAME-1', name: 'Name test', priceCents: 500, stock: 5 });
    const { orderId, position } = await placeOrder(s, ctx(), { userId, items: [{ productId, quantity: 1 }], payment: { token: 'tok_ok' } });
    const runner = new ProjectionRunner(s.write, s.read, projections, testLog);
    await runner.ensureCheckpoints();

    // The order's projection first: the profile does not know the customer yet.
    await runner.catchUp('order_summary');
    const early = await getOrder(s, { orderId });
    expect(early.data?.customerName).toBeNull();
    const earlyList = await listOrders(s, { limit: 5 });
    expect(earlyList.data.items[0]?.customerName).toBeNull();
    const earlyMine = await userOrders(s, { userId, limit: 5 });
    expect(earlyMine.data.items[0]?.customerName).toBeNull();
    expect((await getOrder(s, { orderId })).data?.customerName).toBeNull(); // from the cache now

    // The profile catches up; no event comes after it.
    await runner.catchUp('user_profile');
    const later = await getOrder(s, { orderId, minPosition: position, waitMs: MAX_WAIT_MS });
    expect(later.freshness.stale).toBe(false);
    expect(later.data?.customerName).toBe('Named Customer');
    expect((await listOrders(s, { limit: 5, minPosition: position, waitMs: MAX_WAIT_MS })).data.items[0]?.customerName).toBe(
      'Named Customer',
    );
    expect((await userOrders(s, { userId, limit: 5, minPosition: position, waitMs: MAX_WAIT_MS })).data.items[0]?.customerName).toBe(
      'Named Customer',
    );
  });
});
