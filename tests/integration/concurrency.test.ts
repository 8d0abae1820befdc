/** Commands that race: unique rules hold, no update is lost, every stream stays contiguous. */
import { randomBytes } from 'node:crypto';
import { postgresAt } from '@/db/postgres-at';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '@/server/env';
import { migrateDatabase } from '@/db/migrate';
import { streamId } from '@/server/domain/events';
import { EVENTS_CHANNEL } from '@/server/readside/channels';
import { callerFor, createTestEnv, dropDatabase, type TestEnv } from './support/harness';
import { withDatabase } from '@/testkit/cleanup';
import { codeOf, streamEvents } from './support/foundation';

let t: TestEnv;
let op: Awaited<ReturnType<typeof callerFor>>;

beforeAll(async () => {
  t = await createTestEnv('concurrency', { poolMax: 20 });
  op = await callerFor(t.services, 'operator');
});
afterAll(async () => {
  await t?.cleanup();
});

/** Asserts the stream has versions 1..n with no gap and returns n. */
async function contiguous(stream: string): Promise<number> {
  const events = await streamEvents(t.services, stream);
  expect(events.map((e) => e.stream_version)).toEqual(events.map((_, i) => i + 1));
  const positions = events.map((e) => Number(e.position));
  expect([...positions].sort((a, b) => a - b)).toEqual(positions); // later versions have later positions
  return events.length;
}

const emailCases = (email: string, n: number) =>
  Array.from({ length: n }, (_, i) => [...email].map((c, j) => ((i >> (j % 5)) & 1 ? c.toUpperCase() : c)).join(''));

describe('concurrent commands', () => {
  it('20 users.create with one email in different cases: one UserCreated, 19 CONFLICT', async () => {
    const emails = emailCases('race@example.com', 20);
    expect(new Set(emails).size).toBeGreaterThan(10); // really different spellings
    const outcomes = await Promise.all(emails.map((email, i) => codeOf(op.users.create({ email, name: `Racer ${i}` }))));
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(19);
    const created = await t.services.write
      .sql`SELECT stream_id FROM events WHERE type = 'UserCreated' AND lower(data->>'email') = 'race@example.com'`;
    expect(created).toHaveLength(1);
    expect(await t.services.write.sql`SELECT id FROM users WHERE lower(email) = 'race@example.com'`).toHaveLength(1);
  });

  it('30 restocks of +1 at once: on hand +30, versions 1..31 contiguous, product version = event count', async () => {
    const { productId } = await op.catalog.createProduct({ sku: 'RACE-1', name: 'Race', priceCents: 500, stock: 7 });
    const results = await Promise.all(Array.from({ length: 30 }, () => op.catalog.restock({ productId, quantity: 1 })));
    expect(new Set(results.map((r) => r.position)).size).toBe(30);
    const [row] = await t.services.write.sql`SELECT on_hand, version FROM products WHERE id = ${productId}`;
    const n = await contiguous(streamId.product(productId));
    expect(n).toBe(31);
    expect(row).toEqual({ on_hand: 37, version: n });
    // Each event's onHand is the running total: no two restocks saw the same stock.
    const events = await streamEvents(t.services, streamId.product(productId));
    expect(events.slice(1).map((e) => e.data.onHand)).toEqual(Array.from({ length: 30 }, (_, i) => 8 + i));
  });

  it('restocks and price changes racing on one product lose nothing', async () => {
    const { productId } = await op.catalog.createProduct({ sku: 'RACE-2', name: 'Race 2', priceCents: 100, stock: 0 });
    const calls = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0 ? op.catalog.changePrice({ productId, priceCents: 1000 + i }) : op.catalog.restock({ productId, quantity: 2 }),
    );
    await Promise.all(calls);
    const [row] = await t.services.write.sql`SELECT on_hand, price_cents, version FROM products WHERE id = ${productId}`;
    const n = await contiguous(streamId.product(productId));
    expect(n).toBe(1 + 24);
    expect(row!.on_hand).toBe(16 * 2);
    expect(row!.version).toBe(n);
    const events = await streamEvents(t.services, streamId.product(productId));
    expect(row!.price_cents).toBe(events.filter((e) => e.type === 'ProductPriceChanged').at(-1)!.data.priceCents);
  });

  it('logins and email changes racing on one user lose nothing', async () => {
    const { userId } = await op.users.create({ email: 'busy@example.com', name: 'Busy' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 4 === 0
          ? op.users.updateEmail({ userId, email: `busy${i}@example.com` })
          : op.users.recordLogin({ userId, at: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString() }),
      ),
    );
    const n = await contiguous(streamId.user(userId));
    expect(n).toBe(21);
    const [row] = await t.services.write.sql`SELECT email, version FROM users WHERE id = ${userId}`;
    const events = await streamEvents(t.services, streamId.user(userId));
    expect(row).toEqual({ email: events.filter((e) => e.type === 'UserEmailUpdated').at(-1)!.data.email, version: n });
    // Each email change names the email that was current when it ran.
    let current = 'busy@example.com';
    for (const e of events.filter((x) => x.type === 'UserEmailUpdated')) {
      expect(e.data.previousEmail).toBe(current);
      current = e.data.email as string;
    }
  });

  it('10 users changing to one email at once: one wins, 9 CONFLICT, nothing else written', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) => op.users.create({ email: `mover${i}@example.com`, name: `Mover ${i}` })),
    );
    const outcomes = await Promise.all(
      ids.map(({ userId }, i) => codeOf(op.users.updateEmail({ userId, email: i % 2 ? 'Target@Example.com' : 'target@example.com' }))),
    );
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    expect(
      await t.services.write.sql`SELECT 1 FROM events WHERE type = 'UserEmailUpdated'
      AND lower(data->>'email') = 'target@example.com'`,
    ).toHaveLength(1);
    for (const { userId } of ids) await contiguous(streamId.user(userId));
  });

  it('10 products created at once with one SKU: one wins, 9 CONFLICT', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        codeOf(op.catalog.createProduct({ sku: 'SAME-SKU', name: `Same ${i}`, priceCents: 100 + i, stock: i })),
      ),
    );
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    expect(await t.services.write.sql`SELECT 1 FROM events WHERE type = 'ProductCreated' AND data->>'sku' = 'SAME-SKU'`).toHaveLength(1);
  });
});

describe('waking the relay', () => {
  it('a NOTIFY follows every commit: a reader woken by notifications alone sees every event', async () => {
    const { productId } = await op.catalog.createProduct({ sku: 'WAKE-1', name: 'Wake', priceCents: 100, stock: 0 });
    const stream = streamId.product(productId);
    const total = 1 + 40;
    const listener = postgresAt(t.url, { max: 2, onnotice: () => {} });
    let sawAll!: () => void;
    const seen = new Promise<void>((resolve) => {
      sawAll = resolve;
    });
    try {
      await listener.listen(EVENTS_CHANNEL, () => {
        void listener<{ n: number }[]>`SELECT count(*)::int AS n FROM events WHERE stream_id = ${stream}`.then(([row]) => {
          if (row?.n === total) sawAll();
        });
      });
      await Promise.all(Array.from({ length: 40 }, () => op.catalog.restock({ productId, quantity: 1 })));
      await seen; // without a wake after the last commit this never resolves and the test times out
    } finally {
      await listener.end();
    }
  });
});

describe('concurrent migrators', () => {
  it('four processes migrating one new database at once all succeed', async () => {
    const dbName = `ll_test_migrate_race_${randomBytes(4).toString('hex')}`;
    const url = withDatabase(env().DATABASE_URL, dbName);
    try {
      await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(url)));
      const client = postgresAt(url, { max: 1, onnotice: () => {} });
      try {
        expect(await client`SELECT 1 FROM information_schema.tables WHERE table_name = 'events'`).toHaveLength(1);
      } finally {
        await client.end();
      }
    } finally {
      await dropDatabase(env().DATABASE_URL, dbName);
    }
  });
});
