// Temporary experiment (deleted after): prepared statements and pipelining for users.create.
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { randomUUID } from 'node:crypto';
import * as schema from '@/db/schema';
import { users } from '@/db/schema';
import { migrateDatabase } from '@/db/migrate';
import { createUser } from '@/server/commands/users';
import { runCommand } from '@/server/commands/run';
import { relayWakesSettled } from '@/server/commands/append';
import { streamId } from '@/server/domain/events';
import { decideUser } from '@/server/domain/user';
import { conflict } from '@/server/domain/errors';

type Sql = postgres.Sql;
function preparing(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return (q: string, p?: unknown[], o?: object) => target.unsafe(q, p as never, { ...(o ?? {}), prepare: true });
      if (prop === 'begin') return (...args: unknown[]) => { const fn = args.pop() as (tx: Sql) => unknown; return (target.begin as any)(...args, (tx: Sql) => fn(preparing(tx))); };
      if (prop === 'savepoint') return (...args: unknown[]) => { const fn = args.pop() as (tx: Sql) => unknown; return ((target as any).savepoint)(...args, (tx: Sql) => fn(preparing(tx))); };
      return Reflect.get(target, prop, receiver);
    },
  }) as Sql;
}

const name = `ll_bench_exp_${process.pid}`;
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
await migrateDatabase(url);
const POOL = Number(process.argv[2] ?? 10);
async function loop(label: string, prep: boolean, pipelined: boolean) {
  const client = postgres(url, { max: POOL, onnotice: () => {} });
  const db = drizzle(prep ? preparing(client) : client, { schema });
  await Promise.all(Array.from({ length: POOL }, () => client`select 1`));
  const deadline = performance.now() + 6000; let ops = 0;
  await Promise.all(Array.from({ length: 32 }, async (_, w) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const email = `${label}-${w}-${n}-${Math.random()}@x.com`;
      if (!pipelined) await createUser({ db }, { actor: 'b' }, { email, name: 'P' });
      else await runCommand({ db }, { actor: 'b' }, 'users.create', async ({ tx, now, append }) => {
        const userId = randomUUID();
        const events = decideUser({ type: 'CreateUser', data: { userId, email, name: 'P' } }, null);
        const [inserted, position] = await Promise.all([
          tx.insert(users).values({ id: userId, email, name: 'P', createdAt: now, version: events.length }).onConflictDoNothing().returning({ id: users.id }),
          append(streamId.user(userId), 0, events),
        ]);
        if (inserted.length === 0) throw conflict('dup');
        return { userId, position };
      });
      ops++;
    }
  }));
  await relayWakesSettled(db as never);
  await client.end();
  return ops / 6;
}
const res: Record<string, number[]> = {};
for (let r = 0; r < 5; r++) {
  for (const [label, prep, pipe] of [['plain', false, false], ['prepared', true, false], ['prepared+pipelined', true, true]] as const) {
    const v = await loop(label, prep, pipe);
    (res[label] ??= []).push(Math.round(v));
    console.log(r, label, Math.round(v));
  }
}
console.log(JSON.stringify(res));
const a = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1 });
await a.unsafe(`DROP DATABASE ${name} WITH (FORCE)`); await a.end();
process.exit(0);
