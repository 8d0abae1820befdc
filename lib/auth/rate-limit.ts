import type { Redis } from 'ioredis';

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_MAX_PER_EMAIL = 10;
export const SIGN_IN_MAX_PER_IP = 30;

export interface SignInLimiter {
  /** True when this attempt is over a limit; the attempt is counted either way. */
  overLimit(): Promise<boolean>;
  /** A successful sign-in gives its attempt back. */
  succeeded(): Promise<void>;
  retryAfterSeconds(): Promise<number>;
}

/**
 * Fixed-window counters in Redis, one per lowercased email and one per client address.
 * The attempt is counted before the password is checked, so parallel guesses cannot slip
 * past the limit. When Redis is unreachable, sign-in still works (unlimited) rather than locking
 * every member of staff out.
 */
export function signInLimiter(redis: Redis, prefix: string, email: string, ip: string): SignInLimiter {
  const emailKey = `${prefix}:signin:${email.trim().toLowerCase()}`;
  const ipKey = `${prefix}:signin-ip:${ip}`;
  const keys = [emailKey, ipKey] as const;
  let counted = false;
  return {
    async overLimit() {
      try {
        // SET NX EX starts a window; INCR keeps its expiry.
        const results = await redis.multi()
          .set(emailKey, 0, 'EX', SIGN_IN_WINDOW_SECONDS, 'NX').incr(emailKey)
          .set(ipKey, 0, 'EX', SIGN_IN_WINDOW_SECONDS, 'NX').incr(ipKey)
          .exec();
        counted = true;
        const byEmail = Number(results?.[1]?.[1] ?? 0);
        const byIp = Number(results?.[3]?.[1] ?? 0);
        return byEmail > SIGN_IN_MAX_PER_EMAIL || byIp > SIGN_IN_MAX_PER_IP;
      } catch {
        return false;
      }
    },
    async succeeded() {
      if (!counted) return;
      try {
        await redis.multi().del(emailKey).decr(ipKey).exec();
      } catch {
        // The counters expire by themselves.
      }
    },
    async retryAfterSeconds() {
      try {
        const ttls = await Promise.all(keys.map((k) => redis.ttl(k)));
        return Math.max(1, ...ttls);
      } catch {
        return SIGN_IN_WINDOW_SECONDS;
      }
    },
  };
}
