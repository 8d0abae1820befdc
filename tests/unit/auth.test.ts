import { describe, expect, it } from 'vitest';
import { scryptSync, randomBytes } from 'node:crypto';
import { hashPassword, needsRehash, newSecret, secretHash, verifyPassword } from '@/server/auth/crypto';

describe('password hashing', () => {
  it('stores an scrypt hash that verifies the right password and no other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    // N = 2^17 since finding 9 of the hardening review (was 2^14).
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash: the same password hashes differently twice, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('s3cret-pass'), hashPassword('s3cret-pass')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-pass', a)).toBe(true);
    expect(await verifyPassword('s3cret-pass', b)).toBe(true);
  });

  it('refuses a stored value that is not an scrypt hash', async () => {
    expect(await verifyPassword('pw', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
    expect(await verifyPassword('pw', 'bcrypt$10$abc$def')).toBe(false);
  });
});

describe('password hash upgrades (finding 9)', () => {
  /** A hash as the portal made them before: scrypt N = 2^14. */
  const oldHash = (password: string) => {
    const salt = randomBytes(16);
    return [
      'scrypt',
      16384,
      8,
      1,
      salt.toString('base64url'),
      scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url'),
    ].join('$');
  };

  it('still verifies an old N = 2^14 hash, and says it needs a rehash; a new hash does not', async () => {
    const old = oldHash('old-password-1');
    expect(await verifyPassword('old-password-1', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('x-password'))).toBe(false);
  });

  it('refuses a stored hash that asks for more work than today (a planted hash cannot exhaust memory)', async () => {
    const huge = 'scrypt$1048576$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(await verifyPassword('pw', huge)).toBe(false);
  });
});

describe('token hashing', () => {
  const key = 'a-session-secret-of-enough-length';

  it('new secrets carry their prefix, are long and never repeat', () => {
    const secrets = Array.from({ length: 200 }, () => newSecret('llt'));
    expect(new Set(secrets).size).toBe(200);
    for (const s of secrets) expect(s).toMatch(/^llt_[A-Za-z0-9_-]{43}$/); // 32 random bytes
  });

  it('hashes a secret to a stable keyed SHA-256 that does not reveal it', () => {
    const secret = newSecret('llt');
    const h = secretHash(secret, key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(secret, key)).toBe(h);
    expect(h).not.toContain(secret.slice(4));
  });

  it('changes with one character of the secret and with the key', () => {
    const secret = newSecret('llt');
    const last = secret.at(-1)!;
    const altered = secret.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    expect(secretHash(altered, key)).not.toBe(secretHash(secret, key));
    expect(secretHash(secret, `${key}-other`)).not.toBe(secretHash(secret, key));
  });
});
