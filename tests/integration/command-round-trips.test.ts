/**
 * What a command costs in round trips, counted as writes to the database's socket on a pool of one
 * connection: users.create is BEGIN with the row and the event (the patched driver writes a
 * transaction's first statement right behind its BEGIN, patches/postgres+3.4.9.patch); COMMIT; then
 * the NOTIFY that wakes the relay (server/commands/run.ts, append.ts). A refused command leaves nothing behind and
 * its connection goes back to the pool out of any transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type DbHandle } from '@/db/client';
import { createUser } from '@/server/commands/users';
import { relayWakesSettled } from '@/server/commands/append';
import type { Socket } from 'node:net';
import { countSocketWrites, socketWriting } from '@/testkit/socket-writes';
import { createTestEnv, type TestEnv } from './support/harness';

let t: TestEnv;
let h: DbHandle;
/** The one connection of `h`: only its writes are counted (other clients of this process write meanwhile). */
let socket: Socket;
const sent: string[] = [];
beforeAll(async () => {
  t = await createTestEnv('command_round_trips');
  h = connect(t.url, {
    max: 1,
    appName: 'll-test-command-round-trips',
    onQuery: (q) => sent.push(q.trim().split(/\s+/)[0]!.toLowerCase()),
  });
  socket = await socketWriting('ll-round-trips-socket', () => h.sql.unsafe('SELECT 1 AS "ll-round-trips-socket"'));
}, 60_000);
afterAll(async () => {
  await h?.close();
  await t?.cleanup();
});

/** Writes to `h`'s connection made while `fn` runs. */
async function writesOf(fn: () => Promise<unknown>): Promise<number> {
  const counter = countSocketWrites(socket);
  try {
    await fn();
  } finally {
    counter.restore();
  }
  return counter.writes;
}

const deps = () => ({ write: { db: h.db } });
const count = async (table: 'users' | 'events') =>
  Number((await t.services.write.sql.unsafe<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

describe("a command's round trips", () => {
  it('users.create: BEGIN with the row and the event in one write, then COMMIT, then the NOTIFY that wakes the relay', async () => {
    await createUser(deps(), { actor: 'test' }, { email: 'warm@example.test', name: 'Warm' }); // connection open, statements prepared
    await relayWakesSettled(h.db);
    for (let i = 0; i < 5; i++) {
      sent.length = 0;
      const writes = await writesOf(async () => {
        await createUser(deps(), { actor: 'test' }, { email: `rt-${i}@example.test`, name: 'Round trip' });
        await relayWakesSettled(h.db);
      });
      // BEGIN, then the row and the event (in either order), then COMMIT; then the relay's NOTIFY.
      expect([sent[0], [sent[1], sent[2]].sort(), sent[3], sent[4], sent.length]).toEqual([
        'begin',
        ['insert', 'with'],
        'commit',
        'notify',
        5,
      ]);
      // Two round trips for the command (BEGIN, the row and the event go out together), one for the NOTIFY.
      expect(writes).toBe(3);
    }
  });

  it('a refused command (email taken) rolls back the row and the event, and the connection is clean after', async () => {
    const users = await count('users');
    const events = await count('events');
    await expect(createUser(deps(), { actor: 'test' }, { email: 'rt-0@example.test', name: 'Again' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await count('users')).toBe(users);
    expect(await count('events')).toBe(events);
    // The one connection of the pool is out of any transaction: each statement on it is a transaction of its own.
    const xid = async () => (await h.sql<{ x: string }[]>`SELECT pg_current_xact_id()::text AS x`)[0]!.x;
    expect(await xid()).not.toBe(await xid());
  });
});
