/**
 * Commands against a real Postgres: the atomic outbox (docs/architecture.md, invariant 1), bad input changes nothing
 * (invariant 5) and the order total comes from current prices (docs/domain.md).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { postgresAt } from '@/db/postgres-at';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@/db/schema';
import { runCommand } from '@/server/commands/run';
import { createUser } from '@/server/commands/users';
import { EVENTS_CHANNEL } from '@/server/readside/channels';
import { streamId } from '@/server/domain/events';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { causes, codeOf, rowCounts, streamEvents } from './support/foundation';

let t: TestEnv;
let op: Awaited<ReturnType<typeof callerFor>>;

beforeAll(async () => {
  t = await createTestEnv('commands');
  op = await callerFor(t.services, 'operator');
});
afterAll(async () => {
  await t?.cleanup();
});

const deps = () => t.services;

describe('atomic outbox: a failure before commit leaves neither state nor event', () => {
  it('a handler that writes the user and its event, then throws', async () => {
    const before = await rowCounts(t.services);
    const userId = randomUUID();
    const failing = runCommand(deps(), { actor: 'test', commandId: randomUUID() }, 'test.failAfterWrites', async ({ tx, now, append }) => {
      await tx.insert(users).values({ id: userId, email: 'ghost@example.com', name: 'Ghost', createdAt: now, version: 1 });
      await append(streamId.user(userId), 0, [{ type: 'UserCreated', data: { userId, email: 'ghost@example.com', name: 'Ghost' } }]);
      // Both writes are there inside the transaction...
      const [inside] = await tx.execute<{ users: number; events: number }>(sql`
        SELECT (SELECT count(*) FROM users WHERE id = ${userId})::int AS users,
               (SELECT count(*) FROM events WHERE stream_id = ${streamId.user(userId)})::int AS events`);
      expect(inside).toEqual({ users: 1, events: 1 });
      throw new Error('injected failure after the writes');
    });
    await expect(failing).rejects.toThrow('injected failure after the writes');
    // ...and neither survives it (nor the command_results claim).
    expect(await rowCounts(t.services)).toEqual(before);
    expect(await t.services.write.sql`SELECT 1 FROM users WHERE lower(email) = 'ghost@example.com'`).toHaveLength(0);
  });

  it('a statement that fails after the writes (division by zero)', async () => {
    const before = await rowCounts(t.services);
    const userId = randomUUID();
    const failing = runCommand(deps(), { actor: 'test' }, 'test.failingStatement', async ({ tx, now, append }) => {
      await tx.insert(users).values({ id: userId, email: 'ghost2@example.com', name: 'Ghost', createdAt: now, version: 1 });
      await append(streamId.user(userId), 0, [{ type: 'UserCreated', data: { userId, email: 'ghost2@example.com', name: 'Ghost' } }]);
      await tx.execute(sql`SELECT 1 / 0`);
      return { userId };
    });
    const error = await failing.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(causes(error).map((e) => e.code)).toContain('22012'); // division_by_zero
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('users.create whose event insert fails (trigger) keeps no user row and wakes no relay', async () => {
    // The real handler: the user row is written first, then the event insert fails.
    await t.services.write.sql.unsafe(`
      CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.data->>'email' = 'boom@example.com' THEN RAISE EXCEPTION 'injected event failure'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_fail_event();`);
    const listener = postgresAt(t.url, { max: 1, onnotice: () => {} });
    const notified: string[] = [];
    let woken!: () => void;
    const firstNotification = new Promise<void>((resolve) => {
      woken = resolve;
    });
    await listener.listen(EVENTS_CHANNEL, (payload) => {
      notified.push(payload);
      woken();
    });
    try {
      const before = await rowCounts(t.services);
      const error = await op.users.create({ email: 'boom@example.com', name: 'Boom' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(causes(error).map((e) => e.message)).toContain('injected event failure');
      expect(await rowCounts(t.services)).toEqual(before);
      expect(await t.services.write.sql`SELECT 1 FROM users WHERE email = 'boom@example.com'`).toHaveLength(0);

      // A later command commits and notifies; had the failed one notified, it would have arrived first.
      await op.users.create({ email: 'fine@example.com', name: 'Fine' });
      await firstNotification;
      expect(notified).toHaveLength(1);
    } finally {
      await listener.end();
      await t.services.write.sql.unsafe('DROP TRIGGER test_fail_event ON events; DROP FUNCTION test_fail_event();');
    }
  });

  it('a successful command commits its row and its event together, with full metadata', async () => {
    const commandId = randomUUID();
    const { userId, position } = await createUser(
      deps(),
      { actor: 'staff:tester', commandId, correlationId: 'corr-1' },
      { email: 'Grace@Example.com', name: 'Grace' },
    );
    const [row] = await t.services.write.sql`SELECT email, name, version FROM users WHERE id = ${userId}`;
    expect(row).toEqual({ email: 'Grace@Example.com', name: 'Grace', version: 1 });
    const events = await streamEvents(t.services, streamId.user(userId));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      position: String(position),
      stream_version: 1,
      type: 'UserCreated',
      data: { userId, email: 'Grace@Example.com', name: 'Grace' },
      metadata: { commandId, correlationId: 'corr-1', causationId: null, actor: 'staff:tester' },
    });
    const [meta] = await t.services.write.sql`SELECT event_id, schema_version, occurred_at FROM events WHERE position = ${position}`;
    expect(meta).toMatchObject({ schema_version: 1, event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});

describe('bad input changes nothing', () => {
  let userA: string;
  let userB: string;
  let productId: string;

  beforeAll(async () => {
    userA = (await op.users.create({ email: 'alice@example.com', name: 'Alice' })).userId;
    userB = (await op.users.create({ email: 'bob@example.com', name: 'Bob' })).userId;
    productId = (await op.catalog.createProduct({ sku: 'MUG-1', name: 'Mug', priceCents: 1200, stock: 10 })).productId;
  });

  const unknownId = '00000000-0000-4000-8000-000000000000';
  const line = (quantity = 1) => ({ productId, quantity });
  const order = (over: Record<string, unknown> = {}) => ({ userId: userA, items: [line()], payment: { token: 'tok_ok' }, ...over });
  const fiftyOneLines = () => Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 }));

  const cases: [string, string, () => Promise<unknown>][] = [
    ['users.create: invalid email', 'BAD_REQUEST', () => op.users.create({ email: 'not-an-email', name: 'X' })],
    ['users.create: empty email', 'BAD_REQUEST', () => op.users.create({ email: '', name: 'X' })],
    ['users.create: empty name', 'BAD_REQUEST', () => op.users.create({ email: 'x1@example.com', name: '' })],
    ['users.create: blank name', 'BAD_REQUEST', () => op.users.create({ email: 'x2@example.com', name: '   ' })],
    ['users.create: name of 201 characters', 'BAD_REQUEST', () => op.users.create({ email: 'x3@example.com', name: 'n'.repeat(201) })],
    ['users.create: duplicate email', 'CONFLICT', () => op.users.create({ email: 'alice@example.com', name: 'Alice 2' })],
    ['users.create: duplicate email in other case', 'CONFLICT', () => op.users.create({ email: 'ALICE@Example.COM', name: 'Alice 3' })],
    ['users.updateEmail: unknown user', 'NOT_FOUND', () => op.users.updateEmail({ userId: unknownId, email: 'new@example.com' })],
    ['users.updateEmail: email taken', 'CONFLICT', () => op.users.updateEmail({ userId: userB, email: 'Alice@example.com' })],
    ['users.updateEmail: invalid email', 'BAD_REQUEST', () => op.users.updateEmail({ userId: userB, email: 'bob-at-example' })],
    ['users.updateEmail: userId not a UUID', 'BAD_REQUEST', () => op.users.updateEmail({ userId: 'bob', email: 'b@example.com' })],
    ['users.recordLogin: unknown user', 'NOT_FOUND', () => op.users.recordLogin({ userId: unknownId })],
    ['users.recordLogin: bad time', 'BAD_REQUEST', () => op.users.recordLogin({ userId: userA, at: 'yesterday' })],
    [
      'catalog.createProduct: duplicate sku',
      'CONFLICT',
      () => op.catalog.createProduct({ sku: 'MUG-1', name: 'Other mug', priceCents: 100, stock: 1 }),
    ],
    ['catalog.createProduct: price 0', 'BAD_REQUEST', () => op.catalog.createProduct({ sku: 'P0', name: 'P', priceCents: 0, stock: 1 })],
    [
      'catalog.createProduct: negative price',
      'BAD_REQUEST',
      () => op.catalog.createProduct({ sku: 'P1', name: 'P', priceCents: -100, stock: 1 }),
    ],
    [
      'catalog.createProduct: non-integer price',
      'BAD_REQUEST',
      () => op.catalog.createProduct({ sku: 'P2', name: 'P', priceCents: 9.99, stock: 1 }),
    ],
    [
      'catalog.createProduct: negative stock',
      'BAD_REQUEST',
      () => op.catalog.createProduct({ sku: 'P3', name: 'P', priceCents: 100, stock: -1 }),
    ],
    ['catalog.createProduct: empty sku', 'BAD_REQUEST', () => op.catalog.createProduct({ sku: '', name: 'P', priceCents: 100, stock: 1 })],
    [
      'catalog.createProduct: empty name',
      'BAD_REQUEST',
      () => op.catalog.createProduct({ sku: 'P4', name: '', priceCents: 100, stock: 1 }),
    ],
    ['catalog.changePrice: price 0', 'BAD_REQUEST', () => op.catalog.changePrice({ productId, priceCents: 0 })],
    ['catalog.changePrice: negative price', 'BAD_REQUEST', () => op.catalog.changePrice({ productId, priceCents: -1 })],
    ['catalog.changePrice: non-integer price', 'BAD_REQUEST', () => op.catalog.changePrice({ productId, priceCents: 10.5 })],
    ['catalog.changePrice: unknown product', 'NOT_FOUND', () => op.catalog.changePrice({ productId: unknownId, priceCents: 100 })],
    ['catalog.restock: quantity 0', 'BAD_REQUEST', () => op.catalog.restock({ productId, quantity: 0 })],
    ['catalog.restock: negative quantity', 'BAD_REQUEST', () => op.catalog.restock({ productId, quantity: -5 })],
    ['catalog.restock: unknown product', 'NOT_FOUND', () => op.catalog.restock({ productId: unknownId, quantity: 1 })],
    ['orders.place: unknown user', 'NOT_FOUND', () => op.orders.place(order({ userId: unknownId }))],
    [
      'orders.place: unknown product',
      'NOT_FOUND',
      () => op.orders.place(order({ items: [line(), { productId: unknownId, quantity: 1 }] })),
    ],
    ['orders.place: 0 lines', 'BAD_REQUEST', () => op.orders.place(order({ items: [] }))],
    ['orders.place: 51 lines', 'BAD_REQUEST', () => op.orders.place(order({ items: fiftyOneLines() }))],
    ['orders.place: quantity 0', 'BAD_REQUEST', () => op.orders.place(order({ items: [line(0)] }))],
    ['orders.place: quantity 1001', 'BAD_REQUEST', () => op.orders.place(order({ items: [line(1001)] }))],
    ['orders.place: fractional quantity', 'BAD_REQUEST', () => op.orders.place(order({ items: [line(1.5)] }))],
    ['orders.place: the same product on two lines', 'BAD_REQUEST', () => op.orders.place(order({ items: [line(1), line(2)] }))],
    ['orders.place: missing payment token', 'BAD_REQUEST', () => op.orders.place(order({ payment: {} }))],
    ['orders.place: missing payment', 'BAD_REQUEST', () => op.orders.place({ userId: userA, items: [line()] } as never)],
    ['orders.place: blank payment token', 'BAD_REQUEST', () => op.orders.place(order({ payment: { token: '  ' } }))],
    ['orders.place: bad currency', 'BAD_REQUEST', () => op.orders.place(order({ currency: 'usd' }))],
    ['any command: commandId not a UUID', 'BAD_REQUEST', () => op.users.create({ email: 'x4@example.com', name: 'X', commandId: 'abc' })],
  ];

  it.each(cases)('%s → %s, no row written', async (_, code, call) => {
    const before = await rowCounts(t.services);
    let error: unknown;
    try {
      await call();
    } catch (err) {
      error = err;
    }
    expect(error, 'the call should have been refused').toBeDefined();
    expect((error as { code?: string }).code).toBe(code);
    // A message a person can act on, never a bare 500.
    expect((error as Error).message).not.toMatch(/internal server error/i);
    expect((error as Error).message.length).toBeGreaterThan(5);
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('the state of the seeded user and product is untouched by the refusals', async () => {
    const [a] = await t.services.write.sql`SELECT email, version FROM users WHERE id = ${userA}`;
    const [b] = await t.services.write.sql`SELECT email, version FROM users WHERE id = ${userB}`;
    const [p] = await t.services.write.sql`SELECT price_cents, on_hand, version FROM products WHERE id = ${productId}`;
    expect(a).toEqual({ email: 'alice@example.com', version: 1 });
    expect(b).toEqual({ email: 'bob@example.com', version: 1 });
    expect(p).toEqual({ price_cents: 1200, on_hand: 10, version: 1 });
  });

  it('the boundaries are accepted: a name of 200 characters, 50 lines, quantity 1000', async () => {
    await expect(op.users.create({ email: 'long@example.com', name: 'n'.repeat(200) })).resolves.toMatchObject({
      userId: expect.any(String),
    });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++)
      ids.push((await op.catalog.createProduct({ sku: `B-${i}`, name: `B${i}`, priceCents: 100, stock: 1 })).productId);
    await expect(op.orders.place(order({ items: ids.map((id) => ({ productId: id, quantity: 1 })) }))).resolves.toMatchObject({
      orderId: expect.any(String),
    });
    await expect(op.orders.place(order({ items: [line(1000)] }))).resolves.toMatchObject({ orderId: expect.any(String) });
  });

  it('codeOf reports a success as OK (the table above cannot pass on a call that succeeds)', async () => {
    expect(await codeOf(op.users.recordLogin({ userId: userA }))).toBe('OK');
  });
});

describe('the order total comes from current prices', () => {
  it('ignores a total sent by the client and uses the new price after changePrice', async () => {
    const { userId } = await op.users.create({ email: 'buyer@example.com', name: 'Buyer' });
    const a = (await op.catalog.createProduct({ sku: 'TOT-A', name: 'A', priceCents: 1000, stock: 100 })).productId;
    const b = (await op.catalog.createProduct({ sku: 'TOT-B', name: 'B', priceCents: 250, stock: 100 })).productId;

    const sneaky = {
      userId,
      items: [
        { productId: a, quantity: 3 },
        { productId: b, quantity: 2 },
      ],
      payment: { token: 'tok_ok' },
      totalCents: 1,
      lines: [{ productId: a, unitPriceCents: 1 }],
    };
    const first = await op.orders.place(sneaky as never);
    const totalOf = async (orderId: string) =>
      (await t.services.write.sql`SELECT total_cents FROM orders WHERE id = ${orderId}`)[0]?.total_cents;
    expect(await totalOf(first.orderId)).toBe(3 * 1000 + 2 * 250);
    const [placed] = await streamEvents(t.services, streamId.order(first.orderId));
    expect(placed).toMatchObject({
      type: 'OrderPlaced',
      position: String(first.position),
      data: {
        totalCents: 3500,
        currency: 'USD',
        lines: [
          { productId: a, quantity: 3, unitPriceCents: 1000 },
          { productId: b, quantity: 2, unitPriceCents: 250 },
        ],
      },
    });
    const lines = await t.services.write
      .sql`SELECT line_no, product_id, quantity, unit_price_cents FROM order_lines WHERE order_id = ${first.orderId} ORDER BY line_no`;
    expect(lines).toEqual([
      { line_no: 1, product_id: a, quantity: 3, unit_price_cents: 1000 },
      { line_no: 2, product_id: b, quantity: 2, unit_price_cents: 250 },
    ]);

    await op.catalog.changePrice({ productId: a, priceCents: 1500 });
    const second = await op.orders.place({
      userId,
      items: [
        { productId: a, quantity: 3 },
        { productId: b, quantity: 2 },
      ],
      payment: { token: 'tok_ok' },
    });
    expect(await totalOf(second.orderId)).toBe(3 * 1500 + 2 * 250);
    expect(await totalOf(first.orderId)).toBe(3500); // an order placed earlier keeps its price
  });
});
