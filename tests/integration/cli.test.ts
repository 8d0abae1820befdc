import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromToken, signIn } from '@/server/auth/store';
import { createTestEnv, serverEnv, type TestEnv } from './support/harness';
import { root } from './support/server';

const execFileAsync = promisify(execFile);
let t: TestEnv;

/** Runs `tsx cli/main.ts ...args` against this file's database; never throws. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(path.join(root, 'node_modules', '.bin', 'tsx'), ['cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...serverEnv(t) },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';

beforeAll(async () => {
  t = await createTestEnv('cli');
});
afterAll(async () => {
  await t?.cleanup();
});

describe('npm run cli -- token', () => {
  it('create prints a working token of the requested role as its last line; revoke disables it', async () => {
    const created = await cli('token', 'create', '--role', 'analyst', '--name', 'reports');
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    const key = t.services.env.SESSION_SECRET;
    const principal = await principalFromToken(t.services.write.db, key, token);
    expect(principal).toMatchObject({ kind: 'token', name: 'reports', role: 'analyst' });

    const revoked = await cli('token', 'revoke', '--id', principal!.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await principalFromToken(t.services.write.db, key, token)).toBeNull();

    const again = await cli('token', 'revoke', '--id', principal!.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No active token');
  });

  it('rejects a bad role or a missing option with exit code 2 and the usage', async () => {
    const badRole = await cli('token', 'create', '--role', 'owner', '--name', 'x');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of admin, operator, analyst');
    const missing = await cli('token', 'create', '--role', 'admin');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing --name');
    expect(missing.stderr).toContain('npm run cli -- token create');
    const unknown = await cli('token', 'frobnicate');
    expect(unknown.code).toBe(2);
  });
});

describe('npm run cli -- staff create', () => {
  it('generates and prints a password when none is given; the staff member can sign in with it', async () => {
    const res = await cli('staff', 'create', '--email', 'grace@ledgerline.test', '--role', 'operator', '--name', 'Grace');
    expect(res.code, res.stderr).toBe(0);
    const password = /Password \(shown only this once\): (\S+)/.exec(res.stdout)?.[1];
    expect(password).toBeDefined();
    expect(await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'grace@ledgerline.test', password!)).not.toBeNull();
  });

  it('refuses a duplicate email (exit 1) and a short password (exit 2)', async () => {
    const dup = await cli('staff', 'create', '--email', 'GRACE@ledgerline.test', '--role', 'analyst', '--password', 'long-enough-1');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    const short = await cli('staff', 'create', '--email', 'linus@ledgerline.test', '--role', 'analyst', '--password', 'short');
    expect(short.code).toBe(2);
  });
});

describe('npm run cli -- help', () => {
  it('lists every command', async () => {
    const res = await cli('help');
    expect(res.code).toBe(0);
    for (const cmd of ['token create', 'token revoke', 'staff create']) expect(res.stdout).toContain(cmd);
  });
});
