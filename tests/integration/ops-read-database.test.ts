/**
 * ops.projections with the read models in their own database (READ_DATABASE_URL set to another
 * database): every consumer's checkpoint is read from the database it declares, so the order saga
 * (a process manager on the write database) is listed beside the read models, caught up.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '@/server/env';
import { migrateDatabase } from '@/db/migrate';
import { createServices, type Services } from '@/server/services';
import { createUser } from '@/server/commands/users';
import { createProduct } from '@/server/commands/catalog';
import { placeOrder } from '@/server/commands/orders';
import { getOrder } from '@/server/queries/orders';
import { projectionStatus } from '@/server/queries/ops';
import { consumerNames } from '@/server/consumers';
import { startWorker } from '@/server/readside/worker';
import { MAX_WAIT_MS } from '@/server/readside/wait';
import { sagaWorkerOptions } from '@/server/saga/worker-options';
import { deleteKeys, dropDatabase, withDatabase } from '@/testkit/cleanup';
import { ctx, testLog } from './support/readside';

describe('ops.projections with a separate read database', () => {
  const e = env();
  const id = randomBytes(4).toString('hex');
  const writeName = `ll_test_opsread_w_${id}`;
  const readName = `ll_test_opsread_r_${id}`;
  const prefix = `lltest:opsread:${id}`;
  let s: Services;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;

  beforeAll(async () => {
    await migrateDatabase(withDatabase(e.DATABASE_URL, writeName));
    await migrateDatabase(withDatabase(e.DATABASE_URL, readName));
    s = createServices({
      databaseUrl: withDatabase(e.DATABASE_URL, writeName),
      readDatabaseUrl: withDatabase(e.DATABASE_URL, readName),
      prefix,
      poolMax: 5,
      appName: 'll-test-opsread',
    });
    worker = await startWorker(s, testLog, { ...sagaWorkerOptions(e, { sweepMs: 200 }), sweepMs: 500 });
  });
  afterAll(async () => {
    await worker?.stop();
    await s?.close();
    await dropDatabase(e.DATABASE_URL, writeName);
    await dropDatabase(e.DATABASE_URL, readName);
    await deleteKeys(e.REDIS_URL, prefix);
  });

  it('lists the saga from the write database beside the read models, each caught up', async () => {
    expect(s.read).not.toBe(s.write);
    const { userId } = await createUser(s, ctx(), { email: `ops-${randomUUID()}@example.test`, name: 'Ops Reader' });
    const { productId } = await createProduct(s, ctx(), { sku: `OPS-${id}`, name: 'Ops mug', priceCents: 900, stock: 5 });
    const { orderId } = await placeOrder(s, ctx(), { userId, items: [{ productId, quantity: 1 }], payment: { token: 'tok_ok' } });
    // The saga completes the order by commands of its own; wait for the read model to show it.
    let status = '';
    for (let position: number | undefined; status !== 'completed';) {
      const answer = await getOrder(s, { orderId, minPosition: position, waitMs: MAX_WAIT_MS });
      status = answer.data?.status ?? '';
      position = answer.freshness.position + 1;
      if (status === 'cancelled') throw new Error('the order was cancelled');
    }
    const report = await projectionStatus(s);
    expect(report.data.map((p) => p.name)).toEqual([...consumerNames].sort());
    const saga = report.data.find((p) => p.name === 'order_saga')!;
    expect(saga.position).toBeGreaterThan(0);
    expect(saga.eventsApplied).toBeGreaterThan(0);
    expect(saga.status).toBe('running');
  });
});
