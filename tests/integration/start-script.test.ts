/**
 * Finding 10: `npm start` (scripts/start-web.ts) runs production, and production never runs on the
 * development secret: without SESSION_SECRET it refuses to start, unless LEDGERLINE_ALLOW_DEV_SECRET=1
 * says so on purpose (then it warns, and goes on). Nothing listens on the database port given here,
 * so a start that gets past the check ends at the next step, whether or not a build exists.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, root } from './support/server';

async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { NODE_ENV: _test, SESSION_SECRET: _secret, LEDGERLINE_ALLOW_DEV_SECRET: _allow, ...inherited } = process.env;
  const port = await freePort();
  const childEnv: Record<string, string | undefined> = {
    ...inherited,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/ledgerline`,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    ...env,
  };
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start-web.ts'], {
    cwd: root,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

describe('npm start and SESSION_SECRET (finding 10)', { timeout: 120_000 }, () => {
  it('refuses to start production without SESSION_SECRET', async () => {
    const { code, output } = await start({});
    expect(code).toBe(1);
    expect(output).toContain('SESSION_SECRET: required in production');
    expect(output).not.toContain('Ledgerline web tier on');
  });

  it('goes past the check, with a warning, only when LEDGERLINE_ALLOW_DEV_SECRET=1 says so', async () => {
    const { output } = await start({ LEDGERLINE_ALLOW_DEV_SECRET: '1' });
    expect(output).not.toContain('SESSION_SECRET: required in production');
    expect(output).toContain('SESSION_SECRET is not set, and LEDGERLINE_ALLOW_DEV_SECRET=1 allows the development secret');
  });

  it('with a real SESSION_SECRET it goes past the check with no warning', async () => {
    const { output } = await start({ SESSION_SECRET: 'a-real-secret-of-enough-length-0123' });
    expect(output).not.toMatch(/SESSION_SECRET/);
  });
});
