/** A command sent twice with the same commandId is done once; the repeat returns the first result (docs/domain.md). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@/server/commands/users';
import { restock } from '@/server/commands/catalog';
import { streamId } from '@/server/domain/events';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { rowCounts, streamEvents } from './support/foundation';

let t: TestEnv;
let op: Awaited<ReturnType<typeof callerFor>>;

beforeAll(async () => {
  t = await createTestEnv('idempotency', { poolMax: 12 });
  op = await callerFor(t.services, 'operator');
});
afterAll(async () => {
  await t?.cleanup();
});

const onHand = async (productId: string) => (await t.services.write.sql`SELECT on_hand, version FROM products WHERE id = ${productId}`)[0];

describe('a repeated commandId', () => {
  it('returns the first result and writes nothing (users.create through the API)', async () => {
    const commandId = randomUUID();
    const first = await op.users.create({ email: 'once@example.com', name: 'Once', commandId });
    const after = await rowCounts(t.services);
    const second = await op.users.create({ email: 'once@example.com', name: 'Once', commandId });
    expect(second).toEqual(first);
    expect(await rowCounts(t.services)).toEqual(after);
    expect(await streamEvents(t.services, streamId.user(first.userId))).toHaveLength(1);
  });

  it('returns the first result even when the repeat carries other input (it is the same command)', async () => {
    const commandId = randomUUID();
    const first = await op.users.create({ email: 'first@example.com', name: 'First', commandId });
    const after = await rowCounts(t.services);
    const second = await op.users.create({ email: 'second@example.com', name: 'Second', commandId });
    expect(second).toEqual(first);
    expect(await rowCounts(t.services)).toEqual(after);
    expect(await t.services.write.sql`SELECT 1 FROM users WHERE email = 'second@example.com'`).toHaveLength(0);
  });

  it('changes stock once: restock +5 sent three times', async () => {
    const { productId } = await op.catalog.createProduct({ sku: 'IDEM-1', name: 'Idem', priceCents: 100, stock: 10 });
    const commandId = randomUUID();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await op.catalog.restock({ productId, quantity: 5, commandId }));
    expect(new Set(results.map((r) => r.position)).size).toBe(1);
    expect(await onHand(productId)).toEqual({ on_hand: 15, version: 2 });
    expect(await streamEvents(t.services, streamId.product(productId))).toHaveLength(2);
  });

  it('sent 10 times at once, is done once and every caller gets the same answer', async () => {
    const commandId = randomUUID();
    const before = await rowCounts(t.services);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => createUser(t.services, { actor: 'test', commandId }, { email: 'twins@example.com', name: 'Twins' })),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    const after = await rowCounts(t.services);
    expect(after).toEqual({ ...before, users: before.users + 1, events: before.events + 1, command_results: before.command_results + 1 });
    expect(await streamEvents(t.services, streamId.user(results[0]!.userId))).toHaveLength(1);
  });

  it('concurrent restocks with one commandId add the quantity once', async () => {
    const { productId } = await op.catalog.createProduct({ sku: 'IDEM-2', name: 'Idem 2', priceCents: 100, stock: 0 });
    const commandId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => restock(t.services, { actor: 'test', commandId }, { productId, quantity: 3 })),
    );
    expect(new Set(results.map((r) => r.position)).size).toBe(1);
    expect(await onHand(productId)).toEqual({ on_hand: 3, version: 2 });
  });

  it('used for another command type is a CONFLICT that writes nothing', async () => {
    const commandId = randomUUID();
    const { userId } = await op.users.create({ email: 'reuse@example.com', name: 'Reuse', commandId });
    const before = await rowCounts(t.services);
    await expect(op.users.recordLogin({ userId, commandId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already used for users\.create/),
    });
    await expect(op.catalog.createProduct({ sku: 'REUSE', name: 'Reuse', priceCents: 100, stock: 1, commandId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('of a refused command stores nothing: sending it again is refused again, not answered from a cache', async () => {
    const commandId = randomUUID();
    await op.users.create({ email: 'taken@example.com', name: 'Taken' });
    const before = await rowCounts(t.services);
    for (let i = 0; i < 2; i++) {
      await expect(op.users.create({ email: 'TAKEN@example.com', name: 'Dup', commandId })).rejects.toMatchObject({ code: 'CONFLICT' });
    }
    expect(await rowCounts(t.services)).toEqual(before);
  });

  it('without a commandId, the same input is two commands (here: the second is a duplicate email)', async () => {
    await op.users.create({ email: 'plain@example.com', name: 'Plain' });
    await expect(op.users.create({ email: 'plain@example.com', name: 'Plain' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
