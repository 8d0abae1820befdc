/**
 * Checkpoints held in memory on the web tier: a query answered from the cache asks Postgres nothing
 * (every statement the reader's pools send is counted through postgres.js's debug hook), and a lost
 * LISTEN connection never makes an answer stale: while it is down the reader goes to the database,
 * and once it listens again it re-reads every checkpoint before it trusts the memory.
 *
 * The reader is a second set of services (the web tier) under a role of its own, so that the test
 * can keep its LISTEN from coming back (ALTER ROLE … NOLOGIN) while the projection moves on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { postgresAt } from '@/db/postgres-at';
import { createServices, type Services } from '@/server/services';
import { createUser, updateUserEmail } from '@/server/commands/users';
import { userProfile } from '@/server/queries/users';
import { startWorker } from '@/server/readside/worker';
import { MAX_WAIT_MS } from '@/server/readside/wait';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { createTestEnv, tokenFor, type TestEnv } from './support/harness';
import { checkpointRows, ctx, settle, testLog, waitUntil } from './support/readside';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import { eventually } from './support/eventually';

describe('checkpoints held in memory', () => {
  let t: TestEnv;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let reader: Services;
  let admin: postgres.Sql;
  const role = `ll_held_reader_${randomBytes(4).toString('hex')}`;
  const appName = `ll-held-${role.slice(-8)}`;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await createTestEnv('held_checkpoints');
    worker = await startWorker(t.services, testLog);
    admin = postgresAt(t.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    const url = new URL(t.url);
    url.username = role;
    reader = createServices({
      databaseUrl: url.toString(),
      prefix: t.prefix,
      poolMax: 2,
      // Held answers outlast the test: only a notice can make the reader forget one.
      heldAnswersMs: 10 * 60_000,
      appName,
      principalTtlMs: 60_000,
      onQuery: (q) => statements.push(q),
    });
  });
  afterAll(async () => {
    await reader?.close();
    await worker?.stop();
    await admin?.unsafe(`ALTER ROLE ${role} LOGIN`).catch(() => undefined);
    await t?.cleanup();
    await admin?.unsafe(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin?.end();
  });

  /** What the reader sends Postgres while `fn` runs. */
  const sent = async <T>(fn: () => Promise<T>) => {
    statements.length = 0;
    const value = await fn();
    return { value, statements: [...statements] };
  };

  it('a cache hit, principal included, performs no Postgres query', async () => {
    const { userId, position } = await createUser(t.services, ctx(), { email: 'held@example.test', name: 'Held' });
    const token = await tokenFor(t.services, 'analyst');
    const call = async () =>
      appRouter.createCaller(await createContext(reader, new Headers({ authorization: `Bearer ${token}` }))).users.profile({ userId });
    const first = await userProfile(reader, { userId, minPosition: position, waitMs: MAX_WAIT_MS });
    expect(first.freshness.stale).toBe(false);
    // Every consumer done with the log: no notification will come, so nothing may be read again.
    await settle(t.services.read.sql, [...(await checkpointRows(t.services.read.sql)).keys()]);
    expect(await reader.waiter.memoryReady()).toBe(true);
    await call(); // the token's principal is now cached, and the answer too

    const hits = reader.cache.stats.hits;
    const { value, statements: queries } = await sent(call);
    expect(reader.cache.stats.hits).toBe(hits + 1);
    expect(value.data).toMatchObject({ userId, email: 'held@example.test' });
    expect(value.freshness).toEqual(first.freshness);
    expect(queries).toEqual([]);

    // The counter does count: a miss (another input) goes to Postgres.
    const miss = await sent(() => userProfile(reader, { userId: '00000000-0000-4000-8000-000000000000' }));
    expect(miss.statements.length).toBeGreaterThan(0);
  });

  it('an answer the process holds is forgotten when rows change under unchanged checkpoints (a rebuild swap, an applied dead letter)', async () => {
    const { userId, position } = await createUser(t.services, ctx(), { email: 'forget@example.test', name: 'Forget' });
    await userProfile(reader, { userId, minPosition: position, waitMs: MAX_WAIT_MS });
    await settle(t.services.read.sql, [...(await checkpointRows(t.services.read.sql)).keys()]);
    await userProfile(reader, { userId }); // a miss or a Redis hit…
    await userProfile(reader, { userId }); // …so this one is read from Redis and held
    const keys = await reader.redis.keys(`${t.prefix}:q:users.profile:*`);
    if (keys.length) await reader.redis.unlink(...keys);
    const held = { ...reader.cache.stats };
    await userProfile(reader, { userId });
    expect(reader.cache.stats).toMatchObject({ hits: held.hits + 1, misses: held.misses }); // served from the process, Redis empty

    // What a rebuild's swap and a retried dead letter send: the projection's name, no checkpoint.
    await admin`SELECT pg_notify(${PROJECTIONS_CHANNEL}, 'user_profile')`;
    await waitUntil(
      admin,
      async () => {
        const misses = reader.cache.stats.misses;
        await userProfile(reader, { userId });
        return reader.cache.stats.misses > misses;
      },
      { what: 'the held answer forgotten after the notice', channels: [PROJECTIONS_CHANNEL] },
    );
  });

  it('a checkpoint move reaches the memory from its notification, without a read of the table', async () => {
    await settle(t.services.read.sql, [...(await checkpointRows(t.services.read.sql)).keys()]);
    expect(await reader.waiter.memoryReady()).toBe(true);
    statements.length = 0;
    await createUser(t.services, ctx(), { email: 'notified@example.test', name: 'Notified' });
    const names = worker.consumers.consumers.map((c) => c.def.name);
    await settle(t.services.read.sql, names);
    const committed = await checkpointRows(t.services.read.sql);
    const at = (c: { txId: bigint; position: number } | undefined) => (c ? `${c.txId}:${c.position}` : 'none');
    await eventually(
      'the reader holds every checkpoint as committed',
      async () => names.every((n) => at(reader.waiter.inMemory([n])[0]) === at(committed.get(n))),
      { everyMs: 10 },
    );
    expect(statements.filter((q) => /projection_checkpoints/.test(q))).toEqual([]);
  });

  it('a query waiting for minPosition while the memory is current waits on notifications, without reading checkpoints', async () => {
    expect(await reader.waiter.memoryReady()).toBe(true);
    // An open transaction with an id holds the safe horizon: the command's event cannot be applied until it ends.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const blocker = t.services.write.sql.begin(async (sql) => {
      await sql`SELECT pg_current_xact_id()`;
      holding();
      await released;
    });
    await held;
    const { position } = await createUser(t.services, ctx(), { email: 'waiting@example.test', name: 'Waiting' });
    statements.length = 0;
    const waiting = reader.waiter.waitFor(['user_profile', 'user_search'], position, MAX_WAIT_MS);
    await new Promise((r) => setTimeout(r, 100));
    release();
    await blocker;
    const result = await waiting;
    expect(result.freshness.stale).toBe(false);
    expect(statements.filter((q) => /projection_checkpoints/.test(q))).toEqual([]);
  });

  it('after the LISTEN connection is killed and the projection moves on meanwhile, no answer is stale', { timeout: 120_000 }, async () => {
    const { userId, position } = await createUser(t.services, ctx(), { email: 'before@example.test', name: 'Moving' });
    await userProfile(reader, { userId, minPosition: position, waitMs: MAX_WAIT_MS });
    expect(await reader.waiter.memoryReady()).toBe(true);
    expect((await userProfile(reader, { userId })).data).toMatchObject({ email: 'before@example.test' });

    // The LISTEN goes and cannot come back (its role may not log in); the pool's open connection stays.
    await admin.unsafe(`ALTER ROLE ${role} NOLOGIN`);
    const killed = await admin<{ pid: number }[]>`
      SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity WHERE application_name = ${`${appName}:listen`}`;
    expect(killed.length).toBe(1);
    const moved = await updateUserEmail(t.services, ctx(), { userId, email: 'after@example.test' });
    const seen = await userProfile(t.services, { userId, minPosition: moved.position, waitMs: MAX_WAIT_MS });
    expect(seen.freshness.stale).toBe(false);

    // While nobody listens the reader asks the database: fresh, not the memory's old checkpoint.
    const down = await sent(() => userProfile(reader, { userId }));
    expect(down.value.data).toMatchObject({ email: 'after@example.test' });
    expect(down.statements.some((q) => /projection_checkpoints/.test(q))).toBe(true);

    // Once it listens again it re-reads the checkpoints: fresh, and hits are served from memory again.
    await admin.unsafe(`ALTER ROLE ${role} LOGIN`);
    await eventually('the reader holds the checkpoints again', () => reader.waiter.memoryReady(), { everyMs: 20 });
    expect((await userProfile(reader, { userId })).data).toMatchObject({ email: 'after@example.test' });
    const again = await sent(() => userProfile(reader, { userId }));
    expect(again.value.data).toMatchObject({ email: 'after@example.test' });
    expect(again.statements).toEqual([]);
  });
});
