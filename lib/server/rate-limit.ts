import 'server-only';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Failures one client may make on one email before it has to wait. */
export const SIGN_IN_FREE_FAILURES = 5;
/** Attempts one client address may make in a window, over all emails. */
export const SIGN_IN_MAX_PER_IP = 30;
/** The longest wait between two guesses of one client on one email. */
export const SIGN_IN_MAX_WAIT_SECONDS = 15 * 60;

export interface SignInLimiter {
  /** True when this attempt must wait; otherwise the attempt is counted and may go on. */
  overLimit(): Promise<boolean>;
  /** The password was wrong: the pair's next wait grows. */
  failed(): Promise<void>;
  /** A successful sign-in clears this pair's failures and gives its attempt back. */
  succeeded(): Promise<void>;
  retryAfterSeconds(): Promise<number>;
}

/** The wait after the nth failure of a pair: none for the first few, then 1 s, 2 s, 4 s … up to 15 min. */
export function backoffSeconds(failures: number): number {
  if (failures <= SIGN_IN_FREE_FAILURES) return 0;
  return Math.min(SIGN_IN_MAX_WAIT_SECONDS, 2 ** (failures - SIGN_IN_FREE_FAILURES - 1));
}

/** The Redis keys of one (email, client) pair; the email is hashed so keys hold no personal data. */
export function signInKeys(prefix: string, email: string, client: string) {
  const who = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
  return {
    failures: `${prefix}:signin:pair:${who}:${client}`,
    wait: `${prefix}:signin:wait:${who}:${client}`,
    client: `${prefix}:signin-ip:${client}`,
  };
}

/**
 * Failures are counted per (email, client) pair, so a stranger guessing an email slows down only
 * themselves and never locks its owner out (finding 3). After a few free failures each one makes
 * the pair wait twice as long as the last. A client address also has a cap over all emails, so
 * spraying many emails from one place is bounded. `client` must be an address the client cannot
 * forge (see server/http/forwarded.ts). When Redis is unreachable, sign-in still works
 * (unlimited) rather than locking every member of staff out.
 */
export function signInLimiter(redis: Redis, prefix: string, email: string, client: string): SignInLimiter {
  const keys = signInKeys(prefix, email, client);
  let counted = false;
  let limitedBy: 'wait' | 'client' | null = null;
  return {
    async overLimit() {
      try {
        const results = await redis
          .multi()
          .exists(keys.wait)
          .set(keys.client, 0, 'EX', SIGN_IN_WINDOW_SECONDS, 'NX')
          .incr(keys.client)
          .exec();
        counted = true;
        if (Number(results?.[0]?.[1] ?? 0) > 0) {
          limitedBy = 'wait';
          return true;
        }
        if (Number(results?.[2]?.[1] ?? 0) > SIGN_IN_MAX_PER_IP) {
          limitedBy = 'client';
          return true;
        }
        return false;
      } catch {
        return false;
      }
    },
    async failed() {
      try {
        const [[, n] = []] = (await redis.multi().incr(keys.failures).expire(keys.failures, SIGN_IN_WINDOW_SECONDS).exec()) ?? [];
        const wait = backoffSeconds(Number(n ?? 0));
        if (wait > 0) await redis.set(keys.wait, 1, 'EX', wait);
      } catch {
        // Unlimited while Redis is down (see above).
      }
    },
    async succeeded() {
      if (!counted) return;
      try {
        await redis.multi().del(keys.failures, keys.wait).decr(keys.client).exec();
      } catch {
        // The counters expire by themselves.
      }
    },
    async retryAfterSeconds() {
      try {
        const ttl = await redis.ttl(limitedBy === 'client' ? keys.client : keys.wait);
        return Math.max(1, ttl);
      } catch {
        return SIGN_IN_WINDOW_SECONDS;
      }
    },
  };
}
