/**
 * Playwright's webServer: a fresh database `ll_e2e_<random>`, migrated; `npm start` on PORT (3100)
 * with the e2e admin; one worker; all on their own Redis prefix. On SIGTERM/SIGINT it stops both
 * processes, drops the database and deletes the prefix's keys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@/db/migrate';
import { deleteKeys, dropDatabase } from '@/testkit/cleanup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const id = randomBytes(4).toString('hex');
const dbName = process.env.LL_E2E_DB ?? `ll_e2e_${id}`;
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline');
base.pathname = `/${dbName}`;
const databaseUrl = base.toString();
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.LL_E2E_PREFIX ?? `lle2e:${id}`;

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: process.env.PORT ?? '3100',
  DATABASE_URL: databaseUrl,
  READ_DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  SESSION_SECRET: process.env.LL_E2E_SESSION_SECRET ?? `e2e-session-secret-${id}`,
  ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? 'admin@e2e.test',
  ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? 'e2e-password-123',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};

const children: ChildProcess[] = [];
function start(script: string): ChildProcess {
  // Own process group, so that stopping reaches npm's grandchildren (tsx, next) too.
  const child = spawn('npm', ['run', '-s', script], { cwd: root, env, stdio: 'inherit', detached: true });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[e2e] ${script} exited (${code ?? signal}); stopping`);
      void stop(1);
    }
  });
  return child;
}

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => new Promise((resolve) => c.once('exit', resolve)));
  for (const c of running) {
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const killer = setTimeout(() => {
    for (const c of running) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(killer);
  try {
    await dropDatabase(databaseUrl, dbName);
    await deleteKeys(redisUrl, prefix);
  } catch (err) {
    console.error('[e2e] cleanup failed:', err);
    code ||= 1;
  }
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('SIGHUP', () => void stop(0));

console.log(`[e2e] database ${dbName}, Redis prefix ${prefix}, port ${env.PORT}`);
try {
  await migrateDatabase(databaseUrl);
} catch (err) {
  console.error('[e2e] could not create or migrate the database:', err);
  await dropDatabase(databaseUrl, dbName).catch(() => undefined);
  process.exit(1);
}
start('start');
start('worker');
