/**
 * `npm start`: checks the environment, applies migrations, creates the first admin when there is
 * no staff yet, then runs `next start` on PORT, forwarding signals and its exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env as loadEnv, type Env } from '@/server/env';
import { connect } from '@/db/client';
import { migrateAll } from '@/db/migrate';
import { ensureFirstAdmin } from './bootstrap';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseEnv(): Env {
  try {
    return loadEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

async function prepare(e: Env) {
  await migrateAll([e.DATABASE_URL, e.READ_DATABASE_URL]);
  const handle = connect(e.DATABASE_URL, { max: 1, appName: 'ledgerline-start' });
  try {
    await ensureFirstAdmin(handle.db, e);
  } finally {
    await handle.close();
  }
}

/** `next start` runs with NODE_ENV=production, where env.ts demands a real SESSION_SECRET. */
function childEnv(): NodeJS.ProcessEnv {
  const childEnv = { ...process.env };
  if (!process.env.SESSION_SECRET) {
    console.warn('SESSION_SECRET is not set: using the development secret. Set SESSION_SECRET (16+ characters) in production.');
    childEnv.LEDGERLINE_ALLOW_DEV_SECRET = '1';
  }
  return childEnv;
}

async function main() {
  const e = parseEnv();
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.error('No production build found: run `npm run build` first.');
    process.exit(1);
  }
  await prepare(e);
  const next = path.join(root, 'node_modules', '.bin', 'next');
  const child = spawn(next, ['start', '-p', String(e.PORT)], { cwd: root, env: childEnv(), stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => { child.kill(signal); };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward(signal));
  child.on('error', (err) => { console.error(`Could not start ${next}: ${err.message}`); process.exit(1); });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signalNumbers[signal] ?? 1) : 1)));
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

main().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
