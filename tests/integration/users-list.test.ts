/**
 * users.list (the /users page): every customer at once, newest first, sortable by name, joined,
 * orders and spent, a page at a time, and a search that narrows the list. orders.get/list carry
 * the customer's name.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@/server/commands/users';
import { createProduct } from '@/server/commands/catalog';
import { recordHistoricalOrder } from '@/server/commands/history';
import { listUsers, userProfile } from '@/server/queries/users';
import { getOrder } from '@/server/queries/orders';
import { startWorker } from '@/server/readside/worker';
import { createTestEnv, type TestEnv } from './support/harness';
import { ctx, settle, testLog } from './support/readside';
import { projectionNames } from '@/server/projections/registry';

let t: TestEnv;
let worker: Awaited<ReturnType<typeof startWorker>>;
const people = [
  { name: 'Carla Ng', joined: '2025-01-03', orders: 1 },
  { name: 'alma Brook', joined: '2025-01-01', orders: 3 },
  { name: 'Bruno Diaz', joined: '2025-01-05', orders: 0 },
  { name: 'Dora Brook', joined: '2025-01-02', orders: 2 },
];
const ids = new Map<string, string>();
let orderId = '';

beforeAll(async () => {
  t = await createTestEnv('users_list');
  worker = await startWorker(t.services, testLog);
  const { productId } = await createProduct(t.services, ctx(), {
    sku: `SKU-${randomUUID().slice(0, 6)}`,
    name: 'Widget',
    priceCents: 1000,
    stock: 1000,
  });
  for (const p of people) {
    const joined = new Date(`${p.joined}T10:00:00Z`);
    const { userId } = await createUser(t.services, ctx({ now: () => joined }), {
      email: `${p.name.split(' ')[0]!.toLowerCase()}@example.test`,
      name: p.name,
    });
    ids.set(p.name, userId);
    for (let i = 0; i < p.orders; i++) {
      const placed = new Date(Date.UTC(2025, 1, 1 + i, 9));
      const r = await recordHistoricalOrder(t.services, ctx({ commandId: randomUUID(), now: () => placed }), {
        userId,
        items: [{ productId, quantity: 1 }],
        paymentToken: 'tok_ok',
        outcome: 'completed',
        settledAt: new Date(placed.getTime() + 60_000),
      });
      orderId = r.orderId;
    }
  }
  await settle(t.services.read.sql, projectionNames);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t?.cleanup();
});

const names = async (input: Partial<Parameters<typeof listUsers>[1]>) =>
  (await listUsers(t.services, { sort: 'joined', dir: 'desc', limit: 25, offset: 0, ...input })).data;

describe('users.list', () => {
  it('lists every customer at once, newest first', async () => {
    const page = await names({});
    expect(page.total).toBe(4);
    expect(page.items.map((u) => u.name)).toEqual(['Bruno Diaz', 'Carla Ng', 'Dora Brook', 'alma Brook']);
  });

  it('sorts by name (case-insensitive), orders and spent, both ways', async () => {
    expect((await names({ sort: 'name', dir: 'asc' })).items.map((u) => u.name)).toEqual([
      'alma Brook',
      'Bruno Diaz',
      'Carla Ng',
      'Dora Brook',
    ]);
    expect((await names({ sort: 'orders', dir: 'desc' })).items.map((u) => [u.name, u.totalOrders])).toEqual([
      ['alma Brook', 3],
      ['Dora Brook', 2],
      ['Carla Ng', 1],
      ['Bruno Diaz', 0],
    ]);
    expect((await names({ sort: 'spent', dir: 'asc' })).items.map((u) => u.totalSpentCents)).toEqual([0, 1000, 2000, 3000]);
  });

  it('pages through the sorted list', async () => {
    const first = await names({ sort: 'name', dir: 'asc', limit: 3 });
    const second = await names({ sort: 'name', dir: 'asc', limit: 3, offset: 3 });
    expect(first.items.map((u) => u.name)).toEqual(['alma Brook', 'Bruno Diaz', 'Carla Ng']);
    expect(second).toMatchObject({ total: 4, items: [expect.objectContaining({ name: 'Dora Brook' })] });
  });

  it('narrows the list with a search, keeping the sort', async () => {
    expect((await names({ q: 'brook', sort: 'orders', dir: 'asc' })).items.map((u) => u.name)).toEqual(['Dora Brook', 'alma Brook']);
    expect(await names({ q: 'brook dora' })).toMatchObject({ total: 1, items: [{ name: 'Dora Brook', email: 'dora@example.test' }] });
    expect(await names({ q: '100%_' })).toMatchObject({ total: 0, items: [] });
  });
});

describe("orders carry the customer's name", () => {
  it('orders.get shows the name of the user who placed it', async () => {
    const order = (await getOrder(t.services, { orderId })).data;
    expect(order).toMatchObject({ userId: ids.get('Dora Brook'), customerName: 'Dora Brook' });
  });
});

describe('spent is kept per currency', () => {
  let eve = '';
  // Eve spent 10.00 USD and 10.00 EUR; Frank 50.00 EUR only. A sum across currencies would put
  // Frank (5000) above Eve (2000); "spent" sorts by the home currency (USD), then by user id.
  beforeAll(async () => {
    const { productId } = await createProduct(t.services, ctx(), {
      sku: `SKU-${randomUUID().slice(0, 6)}`,
      name: 'Gadget',
      priceCents: 1000,
      stock: 1000,
    });
    const buy = async (userId: string, currency: string, quantity: number) => {
      const placed = new Date(Date.UTC(2025, 2, 1, 9));
      await recordHistoricalOrder(t.services, ctx({ commandId: randomUUID(), now: () => placed }), {
        userId,
        items: [{ productId, quantity }],
        paymentToken: 'tok_ok',
        outcome: 'completed',
        settledAt: new Date(placed.getTime() + 60_000),
        currency,
      });
    };
    const joined = new Date('2025-01-10T10:00:00Z');
    eve = (await createUser(t.services, ctx({ now: () => joined }), { email: 'eve@euro.example', name: 'Eve Euro' })).userId;
    const frank = (await createUser(t.services, ctx({ now: () => joined }), { email: 'frank@euro.example', name: 'Frank Euro' })).userId;
    await buy(eve, 'USD', 1);
    await buy(eve, 'EUR', 1);
    await buy(frank, 'EUR', 5);
    await settle(t.services.read.sql, projectionNames);
  }, 120_000);

  it('shows each currency apart, and sorts "spent" by the home currency', async () => {
    const page = await names({ q: 'euro', sort: 'spent', dir: 'desc' });
    expect(page.items.map((u) => [u.name, u.totalOrders, u.totalSpentCents, u.spentByCurrency])).toEqual([
      ['Eve Euro', 2, 1000, { USD: 1000, EUR: 1000 }],
      ['Frank Euro', 1, 0, { EUR: 5000 }],
    ]);
    expect((await userProfile(t.services, { userId: eve })).data).toMatchObject({
      totalOrders: 2,
      totalSpentCents: 1000,
      spentByCurrency: { USD: 1000, EUR: 1000 },
    });
  });
});
