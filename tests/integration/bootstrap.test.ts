import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStaff, signIn } from '@/server/auth/store';
import { ensureFirstAdmin } from '@/server/auth/first-admin';
import { createTestEnv, type TestEnv } from './support/harness';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('bootstrap');
});
afterAll(async () => {
  await t?.cleanup();
});

describe('ensureFirstAdmin', () => {
  it('creates the first admin with a generated password, printed once, and does nothing later', async () => {
    const printed: string[] = [];
    const env = { ADMIN_EMAIL: 'first@ledgerline.test', ADMIN_PASSWORD: undefined, PORT: 3456 };

    const first = await ensureFirstAdmin(t.services.write.db, env, (l) => printed.push(l));
    expect(first).toMatchObject({ created: true, generated: true });
    const password = first.created ? first.password : '';
    expect(printed).toEqual([`Sign in at http://localhost:3456 as first@ledgerline.test with password ${password}`]);
    expect(await signIn(t.services.write.db, t.services.env.SESSION_SECRET, 'first@ledgerline.test', password)).not.toBeNull();

    const second = await ensureFirstAdmin(
      t.services.write.db,
      { ...env, ADMIN_EMAIL: 'other@ledgerline.test', ADMIN_PASSWORD: 'another-password' },
      (l) => printed.push(l),
    );
    expect(second).toEqual({ created: false });
    expect(printed).toHaveLength(1);
    expect(await countStaff(t.services.write.db)).toBe(1);
  });

  it('is safe when several processes start at once', async () => {
    const fresh = await createTestEnv('bootstrap_race');
    try {
      const env = { ADMIN_EMAIL: 'race@ledgerline.test', ADMIN_PASSWORD: 'race-password-1', PORT: 3000 };
      const results = await Promise.all([1, 2, 3].map(() => ensureFirstAdmin(fresh.services.write.db, env, () => {})));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await countStaff(fresh.services.write.db)).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });
});
