import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandBatch, runOne, type BatchCommand, type BatchOutcome } from '@/server/commands/batch';
import { historicalId } from '@/server/commands/history';
import type { CommandContext } from '@/server/commands/context';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';
import { comparable, writeModelSnapshot } from './support/history';

// Two databases with the same start: one gets the commands one by one through their handlers, the
// other as one batch. Whatever each command does or is refused with must be the same.
let alone: TestEnv;
let batched: TestEnv;
beforeAll(async () => {
  [alone, batched] = await Promise.all([createTestEnv('batch_alone'), createTestEnv('batch_batched')]);
});
afterAll(async () => {
  await Promise.all([alone?.cleanup(), batched?.cleanup()]);
});

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 2, d, h));
const cmd = (name: string, at: Date, extra: Partial<CommandContext> = {}): CommandContext => ({
  actor: 'test',
  commandId: historicalId(`batch-test:${name}`),
  now: () => at,
  ...extra,
});
const missing = '00000000-0000-4000-8000-000000000001';
const orderId = historicalId('batch-test:order-1');

/** The start both databases share: Ada and a mug with two on the shelf. */
const start = (): BatchCommand[] => [
  { type: 'users.create', ctx: cmd('ada', day(1)), input: { email: 'ada@example.com', name: 'Ada' } },
  { type: 'catalog.createProduct', ctx: cmd('mug', day(1)), input: { sku: 'MUG', name: 'Mug', priceCents: 1200, stock: 2 } },
];

/** Valid commands mixed with every way a command here can be refused, some refused only because of one before it. */
function commands(ada: string, mug: string): { label: string; command: BatchCommand }[] {
  const order = (
    name: string,
    input: Partial<Extract<BatchCommand, { type: 'orders.recordHistorical' }>['input']>,
    ctx = cmd(name, day(3)),
  ) => ({
    label: name,
    command: {
      type: 'orders.recordHistorical',
      ctx,
      input: { userId: ada, items: [{ productId: mug, quantity: 3 }], paymentToken: 'tok_ok', outcome: 'completed', ...input },
    } as BatchCommand,
  });
  return [
    { label: 'bob', command: { type: 'users.create', ctx: cmd('bob', day(2)), input: { email: 'bob@example.com', name: 'Bob' } } },
    {
      label: 'bob again, other case',
      command: { type: 'users.create', ctx: cmd('bob2', day(2)), input: { email: 'BOB@example.com', name: 'Bob' } },
    },
    { label: 'ada twice', command: { type: 'users.create', ctx: cmd('ada2', day(2)), input: { email: 'ada@example.com', name: 'Ada' } } },
    {
      label: "ada takes bob's email",
      command: { type: 'users.updateEmail', ctx: cmd('ada-bob', day(2)), input: { userId: ada, email: 'bob@example.com' } },
    },
    {
      label: 'nobody changes email',
      command: { type: 'users.updateEmail', ctx: cmd('nobody-email', day(2)), input: { userId: missing, email: 'x@example.com' } },
    },
    { label: 'ada logs in', command: { type: 'users.recordLogin', ctx: cmd('ada-login', day(2, 12)), input: { userId: ada } } },
    { label: 'nobody logs in', command: { type: 'users.recordLogin', ctx: cmd('nobody-login', day(2)), input: { userId: missing } } },
    {
      label: 'mug twice',
      command: { type: 'catalog.createProduct', ctx: cmd('mug2', day(2)), input: { sku: 'MUG', name: 'Mug', priceCents: 1200, stock: 2 } },
    },
    {
      label: 'free lamp',
      command: { type: 'catalog.createProduct', ctx: cmd('lamp0', day(2)), input: { sku: 'LAMP', name: 'Lamp', priceCents: 0, stock: 2 } },
    },
    {
      label: 'restock nothing',
      command: { type: 'catalog.restock', ctx: cmd('restock0', day(2)), input: { productId: mug, quantity: 0 } },
    },
    {
      label: 'restock nobody',
      command: { type: 'catalog.restock', ctx: cmd('restock-missing', day(2)), input: { productId: missing, quantity: 5 } },
    },
    order('three mugs from two', { orderId }),
    { label: 'restock mugs', command: { type: 'catalog.restock', ctx: cmd('restock5', day(3)), input: { productId: mug, quantity: 5 } } },
    order('three mugs from seven', { orderId }, cmd('order-ok', day(3, 11))),
    order('the same order again', { orderId }, cmd('order-again', day(3, 12))),
    order('settled before placed', { settledAt: day(2) }),
    order('no lines', { items: [] }),
    order('no commandId', {}, { actor: 'test', now: () => day(3) }),
    order('nobody orders', { userId: missing }),
    order('a product that is not there', { items: [{ productId: missing, quantity: 1 }] }),
    order('one product on two lines', {
      items: [
        { productId: mug, quantity: 1 },
        { productId: mug, quantity: 1 },
      ],
    }),
    { label: "bob's commandId for a login", command: { type: 'users.recordLogin', ctx: cmd('bob', day(4)), input: { userId: ada } } },
    { label: 'bob replayed', command: { type: 'users.create', ctx: cmd('bob', day(4)), input: { email: 'bob@example.com', name: 'Bob' } } },
    {
      label: 'ada moves',
      command: { type: 'users.updateEmail', ctx: cmd('ada-moves', day(4)), input: { userId: ada, email: 'ada@new.example' } },
    },
    {
      label: 'a new ada takes the old email',
      command: { type: 'users.create', ctx: cmd('ada3', day(4)), input: { email: 'ada@example.com', name: 'Ada II' } },
    },
    {
      label: 'ada keeps her email',
      command: { type: 'users.updateEmail', ctx: cmd('ada-stays', day(4)), input: { userId: ada, email: 'ada@new.example' } },
    },
  ];
}

async function prepare(t: TestEnv) {
  const [first, second] = start();
  const ada = await runOne(t.services, first!);
  const mug = await runOne(t.services, second!);
  if (!ada.ok || !mug.ok) throw new Error('the shared start failed');
  const ids = { ada: ada.result.userId as string, mug: mug.result.productId as string };
  const names = new Map([
    [ids.ada, 'ada'],
    [ids.mug, 'mug'],
  ]);
  const [last] = await t.services.write.db.execute<{ position: number }>(sql`SELECT max(position)::int AS position FROM events`);
  return { ...ids, names, position: last!.position };
}

const shape = (o: BatchOutcome) => (o.ok ? { ok: true, result: o.result } : { ok: false, code: o.error.code, message: o.error.message });

describe('runCommandBatch', () => {
  it('refuses each broken command as its handler alone would, and writes what one-by-one commands write', async () => {
    const [a, b] = await Promise.all([prepare(alone), prepare(batched)]);
    const one: BatchOutcome[] = [];
    for (const { command } of commands(a.ada, a.mug)) one.push(await runOne(alone.services, command));
    const many = await runCommandBatch(
      batched.services,
      commands(b.ada, b.mug).map((c) => c.command),
    );

    const labels = commands(a.ada, a.mug).map((c) => c.label);
    const byLabel = async (t: TestEnv, outcomes: BatchOutcome[], names: Map<string, string>) =>
      (await comparable(t.services.write.db, names))(Object.fromEntries(outcomes.map((o, i) => [labels[i], shape(o)])));
    const expected = await byLabel(alone, one, a.names);
    expect(await byLabel(batched, many, b.names)).toEqual(expected);

    // The reference refuses what it must, with the handlers' own codes (so the comparison above means something).
    const refused = Object.entries(expected)
      .filter(([, o]) => !(o as { ok: boolean }).ok)
      .map(([label, o]) => [label, (o as { code: string }).code]);
    expect(Object.fromEntries(refused)).toEqual({
      'bob again, other case': 'CONFLICT',
      'ada twice': 'CONFLICT',
      "ada takes bob's email": 'CONFLICT',
      'nobody changes email': 'NOT_FOUND',
      'nobody logs in': 'NOT_FOUND',
      'mug twice': 'CONFLICT',
      'free lamp': 'BAD_REQUEST',
      'restock nothing': 'BAD_REQUEST',
      'restock nobody': 'NOT_FOUND',
      'three mugs from two': 'CONFLICT',
      'the same order again': 'CONFLICT',
      'settled before placed': 'BAD_REQUEST',
      'no lines': 'BAD_REQUEST',
      'no commandId': 'BAD_REQUEST',
      'nobody orders': 'NOT_FOUND',
      'a product that is not there': 'NOT_FOUND',
      'one product on two lines': 'BAD_REQUEST',
      "bob's commandId for a login": 'CONFLICT',
    });
    expect((expected['bob replayed'] as { result: unknown }).result).toEqual((expected.bob as { result: unknown }).result);

    // Same events (types, streams, versions, data, metadata, times, positions), rows and command results.
    expect(await writeModelSnapshot(batched.services.write.db, b.names)).toEqual(
      await writeModelSnapshot(alone.services.write.db, a.names),
    );

    // And it was one transaction, not the one-by-one fallback.
    const [txs] = await batched.services.write.db.execute<{ n: number }>(
      sql`SELECT count(DISTINCT tx_id)::int AS n FROM events WHERE position > ${b.position}`,
    );
    expect(txs!.n).toBe(1);
  });

  it('meeting another writer it could not see (a unique index), rolls back and runs the commands one by one', async () => {
    // Another transaction holds an uncommitted user with the email: the batch's read does not see
    // it, so the batch decides "free" and its insert waits on the index. The other commits, the
    // insert fails, and the commands go through their handlers: the handler's own conflict.
    const { db } = batched.services.write;
    const email = `late-${randomUUID()}@example.com`;
    const first = `first-${randomUUID()}@example.com`;
    let batch!: Promise<BatchOutcome[]>;
    await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO users (id, email, name, created_at, version) VALUES (${randomUUID()}, ${email}, 'Other', now(), 1)`);
      batch = runCommandBatch(batched.services, [
        { type: 'users.create', ctx: cmd('race-1', day(5)), input: { email: first, name: 'First' } },
        { type: 'users.create', ctx: cmd('race-2', day(5)), input: { email, name: 'Second' } },
      ]);
      await eventually('the batch to wait on the other insert', async () => {
        const [row] = await batched.services.write.sql<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'insert into "users"%'`;
        return row!.n > 0;
      });
    });
    const outcomes = await batch;
    expect(outcomes.map(shape)).toEqual([
      { ok: true, result: { userId: expect.any(String), position: expect.any(Number) } },
      { ok: false, code: 'CONFLICT', message: `A user with email ${email} already exists` },
    ]);
    // One by one: the first user got a transaction of its own, the second none.
    const [row] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM users WHERE email = ${first}`);
    expect(row!.n).toBe(1);
  });
});
