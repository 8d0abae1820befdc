/**
 * Principals cached per process, revocation by NOTIFY: two instances on one database, each with its
 * own pools and LISTEN (as two web processes), and the CLI as a real second process. The TTL is a
 * minute, so a refusal seen here can only come from the notice, never from the cache expiring.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '@/server/services';
import { createStaff, createToken, revokeToken, signIn, signOut, SESSION_COOKIE } from '@/server/auth/store';
import { secretHash } from '@/server/auth/crypto';
import { createTestEnv, serverEnv, type TestEnv } from './support/harness';
import { root } from './support/server';

const execFileAsync = promisify(execFile);
const TTL = 60_000;
let t: TestEnv;
let a: Services;
let b: Services;

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });
const cookie = (secret: string) => new Headers({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(secret)}` });
const key = () => t.services.env.SESSION_SECRET;

beforeAll(async () => {
  t = await createTestEnv('principal_cache');
  const instance = (name: string) =>
    createServices({ databaseUrl: t.url, redisUrl: t.services.redisUrl, prefix: t.prefix, poolMax: 2, appName: name, principalTtlMs: TTL });
  a = instance('ll-test-principals-a');
  b = instance('ll-test-principals-b');
  await createStaff(t.services.write.db, { email: 'pat@example.com', role: 'operator', password: 'correct horse battery' });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await t?.cleanup();
});

describe('the principal cache', () => {
  it('answers a known credential from memory: one Postgres lookup for many requests', async () => {
    const { token } = await createToken(a.write.db, key(), { name: 'cached', role: 'analyst' });
    const before = b.principals.lookups;
    for (let i = 0; i < 5; i++) expect(await b.principals.authenticate(bearer(token))).toMatchObject({ kind: 'token', role: 'analyst' });
    expect(b.principals.lookups - before).toBe(1);
  });

  it('never caches a refusal: a token created after a failed attempt works at once', async () => {
    expect(await b.principals.authenticate(bearer('llt_unknown'))).toBeNull();
    const before = b.principals.lookups;
    expect(await b.principals.authenticate(bearer('llt_unknown'))).toBeNull();
    expect(b.principals.lookups - before).toBe(1);
  });

  it('a token revoked in one instance is refused by the other as soon as the notice arrives', async () => {
    const { id, token } = await createToken(a.write.db, key(), { name: 'revoked-elsewhere', role: 'operator' });
    expect(await b.principals.authenticate(bearer(token))).toMatchObject({ id });
    expect(await b.principals.authenticate(bearer(token))).toMatchObject({ id }); // now from memory
    expect(await revokeToken(a.write.db, id)).toBe(true);
    await b.principals.sync(); // every notice committed before this point has reached b
    expect(await b.principals.authenticate(bearer(token))).toBeNull();
  });

  it('a sign-out in one instance ends the session in the other; in its own instance at once', async () => {
    const s1 = (await signIn(a.write.db, key(), 'pat@example.com', 'correct horse battery'))!;
    expect(await a.principals.authenticate(cookie(s1.secret))).toMatchObject({ kind: 'staff', role: 'operator' });
    expect(await b.principals.authenticate(cookie(s1.secret))).toMatchObject({ kind: 'staff', role: 'operator' });
    await signOut(a.write.db, key(), s1.secret);
    expect(await a.principals.authenticate(cookie(s1.secret))).toBeNull(); // no wait in the instance that signed out
    await b.principals.sync();
    expect(await b.principals.authenticate(cookie(s1.secret))).toBeNull();
  });

  it('a change to the staff member (role, disable, removal) reaches every instance', async () => {
    const id = await createStaff(t.services.write.db, { email: 'sam@example.com', role: 'admin', password: 'correct horse battery' });
    const s = (await signIn(a.write.db, key(), 'sam@example.com', 'correct horse battery'))!;
    expect(await b.principals.authenticate(cookie(s.secret))).toMatchObject({ role: 'admin' });
    await a.write.sql`UPDATE staff SET role = 'analyst' WHERE id = ${id}`;
    await b.principals.sync();
    expect(await b.principals.authenticate(cookie(s.secret))).toMatchObject({ role: 'analyst' });
    await a.write.sql`DELETE FROM staff WHERE id = ${id}`;
    await b.principals.sync();
    expect(await b.principals.authenticate(cookie(s.secret))).toBeNull();
  });

  it('a token revoked by another process (the CLI) is refused here once the notice arrives', async () => {
    const { id, token } = await createToken(b.write.db, key(), { name: 'cli-revoked', role: 'operator' });
    await b.principals.authenticate(bearer(token));
    const before = b.principals.lookups;
    expect(await b.principals.authenticate(bearer(token))).toMatchObject({ id });
    expect(b.principals.lookups).toBe(before); // held in memory until told otherwise
    await execFileAsync(path.join(root, 'node_modules', '.bin', 'tsx'), ['cli/main.ts', 'token', 'revoke', '--id', id], {
      cwd: root,
      env: { ...process.env, ...serverEnv(t) },
    });
    await b.principals.sync();
    expect(await b.principals.authenticate(bearer(token))).toBeNull();
  }, 60_000);

  it('a shortened session is refused by a cache that held it', async () => {
    const s = (await signIn(a.write.db, key(), 'pat@example.com', 'correct horse battery'))!;
    expect(await b.principals.authenticate(cookie(s.secret))).not.toBeNull();
    await a.write.sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${secretHash(s.secret, key())}`;
    await b.principals.sync();
    expect(await b.principals.authenticate(cookie(s.secret))).toBeNull();
  });
});
