import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

type ScryptParams = { N: number; r: number; p: number; maxmem: number };
const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: ScryptParams) => Promise<Buffer>;

/**
 * N = 2^17, r = 8 (OWASP's scrypt recommendation): 128 MiB of memory and roughly 0.3–0.5 s of one
 * core per hash. Node refuses scrypt above `maxmem` (32 MiB by default), so it is raised to fit,
 * and at most MAX_CONCURRENT hashes run at once so that a burst of sign-ins costs at most
 * MAX_CONCURRENT × 128 MiB instead of exhausting the process (the rest wait their turn).
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const MAXMEM = 160 * 1024 * 1024;
const MAX_CONCURRENT = 2;

let running = 0;
const queue: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** A random password of 16 URL-safe characters (the first admin's, or a staff member's made by the CLI). */
export const generatePassword = () => randomBytes(12).toString('base64url');

/** scrypt password hash: `scrypt$N$r$p$salt$hash`, all base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  const hash = await limited(() => scrypt(password, salt, 32, { N, r, p, maxmem: MAXMEM }));
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  // A stored hash cannot make us spend more than today's parameters (nor malformed ones).
  if (!Number.isInteger(N) || !Number.isInteger(R) || !Number.isInteger(P) || N < 2 || N > SCRYPT_PARAMS.N || R < 1 || R > 16 || P !== 1)
    return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length < 16) return false;
  const actual = await limited(() => scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N, r: R, p: P, maxmem: MAXMEM }));
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with weaker parameters than today's (it is replaced at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [kind, n, r, p] = stored.split('$');
  return kind !== 'scrypt' || Number(n) < SCRYPT_PARAMS.N || Number(r) < SCRYPT_PARAMS.r || Number(p) !== SCRYPT_PARAMS.p;
}

/** A new secret for a session cookie or an API token. */
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Keyed hash under which sessions and tokens are stored: a leaked table alone opens nothing. */
export const secretHash = (secret: string, key: string) => createHmac('sha256', key).update(secret).digest('hex');
