/**
 * Findings 2 and 3: the sign-in limits count what a client cannot forge, per (email, client)
 * pair with a growing back-off, and a stranger can never lock a member of staff out.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '@/server/env';
import { signInKeys, signInLimiter } from '@/lib/server/rate-limit';
import { deleteKeys } from './support/harness';

let redis: Redis;
const prefix = `lltest:signin:${randomBytes(4).toString('hex')}`;

beforeAll(() => {
  redis = new Redis(env().REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(env().REDIS_URL, prefix);
});

/** One failed attempt: counted, the password was wrong, nothing given back. */
async function fail(email: string, client: string): Promise<{ limited: boolean; retryAfter: number }> {
  const limiter = signInLimiter(redis, prefix, email, client);
  const limited = await limiter.overLimit();
  if (!limited) await limiter.failed();
  return { limited, retryAfter: limited ? await limiter.retryAfterSeconds() : 0 };
}

describe('sign-in limits (finding 3)', () => {
  it('failures from a stranger never lock the member out of their own sign-in from elsewhere', async () => {
    const email = 'only.admin@example.com';
    for (let i = 0; i < 40; i++) await fail(email, '203.0.113.7');
    const own = signInLimiter(redis, prefix, email, '198.51.100.20');
    expect(await own.overLimit()).toBe(false);
  });

  it('one client guessing one email is slowed down gradually: free tries, then a growing wait', async () => {
    const email = 'olivia@example.com';
    const client = '203.0.113.8';
    const outcomes: { limited: boolean; retryAfter: number }[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await fail(email, client));
    expect(outcomes.every((o) => !o.limited)).toBe(true);
    // The sixth attempt goes through and starts a wait; the next one, at once, is refused.
    expect((await fail(email, client)).limited).toBe(false);
    const refused = await fail(email, client);
    expect(refused.limited).toBe(true);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    // After that wait, the next failure earns a longer one.
    await redis.del(signInKeys(prefix, email, client).wait);
    expect((await fail(email, client)).limited).toBe(false);
    const longer = await fail(email, client);
    expect(longer.limited).toBe(true);
    expect(longer.retryAfter).toBeGreaterThan(refused.retryAfter);
  });

  it('a success clears that pair: its next failure is free again', async () => {
    const email = 'andy@example.com';
    const client = '203.0.113.9';
    for (let i = 0; i < 6; i++) await fail(email, client);
    expect((await fail(email, client)).limited).toBe(true);
    await redis.del(signInKeys(prefix, email, client).wait); // the wait has passed
    const right = signInLimiter(redis, prefix, email, client);
    expect(await right.overLimit()).toBe(false);
    await right.succeeded();
    expect((await fail(email, client)).limited).toBe(false);
    expect((await fail(email, client)).limited).toBe(false);
  });

  it('one client spraying many emails is still capped per client', async () => {
    const client = '203.0.113.10';
    const limited: boolean[] = [];
    for (let i = 0; i < 35; i++) limited.push((await fail(`spray${i}@example.com`, client)).limited);
    expect(limited.slice(0, 30).some(Boolean)).toBe(false);
    expect(limited.slice(30).every(Boolean)).toBe(true);
  });
});
