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
import { listUsers } from '@/server/queries/users';
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
  const { productId } = await createProduct(t.services, ctx(), { sku: `SKU-${randomUUID().slice(0, 6)}`, name: 'Widget', priceCents: 1000, stock: 1000 });
  for (const p of people) {
    const joined = new Date(`${p.joined}T10:00:00Z`);
    const { userId } = await createUser(t.services, ctx({ now: () => joined }), { email: `${p.name.split(' ')[0]!.toLowerCase()}@example.test`, name: p.name });
    ids.set(p.name, userId);
    for (let i = 0; i < p.orders; i++) {
      const placed = new Date(Date.UTC(2025, 1, 1 + i, 9));
      const r = await recordHistoricalOrder(t.services, ctx({ commandId: randomUUID(), now: () => placed }), {
        userId, items: [{ productId, quantity: 1 }], paymentToken: 'tok_ok', outcome: 'completed', settledAt: new Date(placed.getTime() + 60_000),
      });
      orderId = r.orderId;
    }
  }
  await settle(t.services.read.sql, projectionNames);
}, 120_000);
afterAll(async () => { await worker?.stop(); await t?.cleanup(); });

const names = async (input: Partial<Parameters<typeof listUsers>[1]>) =>
  (await listUsers(t.services, { sort: 'joined', dir: 'desc', limit: 25, offset: 0, ...input })).data;

describe('users.list', () => {
  it('lists every customer at once, newest first', async () => {
    const page = await names({});
    expect(page.total).toBe(4);
    expect(page.items.map((u) => u.name)).toEqual(['Bruno Diaz', 'Carla Ng', 'Dora Brook', 'alma Brook']);
  });

  it('sorts by name (case-insensitive), orders and spent, both ways', async () => {
    expect((await names({ sort: 'name', dir: 'asc' })).items.map((u) => u.name)).toEqual(['alma Brook', 'Bruno Diaz', 'Carla Ng', 'Dora Brook']);
    expect((await names({ sort: 'orders', dir: 'desc' })).items.map((u) => [u.name, u.totalOrders])).toEqual([['alma Brook', 3], ['Dora Brook', 2], ['Carla Ng', 1], ['Bruno Diaz', 0]]);
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

describe('orders carry the customer\'s name', () => {
  it('orders.get shows the name of the user who placed it', async () => {
    const order = (await getOrder(t.services, { orderId })).data;
    expect(order).toMatchObject({ userId: ids.get('Dora Brook'), customerName: 'Dora Brook' });
  });
});
