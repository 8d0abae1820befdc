import { describe, expect, it } from 'vitest';
import { hashPassword, newSecret, secretHash, verifyPassword } from '@/server/auth/crypto';

describe('password hashing', () => {
  it('stores an scrypt hash that verifies the right password and no other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
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
