/**
 * Finding 5: read-your-writes waiters are capped per principal (and per process), so one caller
 * cannot hold an unbounded number of requests open with a minPosition past the head.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WAITERS_PER_PRINCIPAL, TooManyWaitersError, waitingAs } from '@/server/readside/wait';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { codeOf } from './support/foundation';

let t: TestEnv;
beforeAll(async () => { t = await createTestEnv('waiters'); });
afterAll(async () => { await t?.cleanup(); });

const FAR = 1_000_000_000; // a position no event has: the wait can only end by its timeout

describe('waiter caps (finding 5)', () => {
  it(`one principal holds at most ${MAX_WAITERS_PER_PRINCIPAL} waits; the next is refused at once; another principal is not affected`, async () => {
    const held = Array.from({ length: MAX_WAITERS_PER_PRINCIPAL }, () =>
      waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 3000)));
    // Each call above took its slot synchronously, so the next one is refused whatever the timing.
    await expect(waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 3000)))
      .rejects.toBeInstanceOf(TooManyWaitersError);
    const other = waitingAs('token:polite', () => t.services.waiter.waitFor(['user_profile'], FAR, 100));
    expect((await other).freshness.stale).toBe(true);
    for (const r of await Promise.all(held)) expect(r.freshness.stale).toBe(true);
    // Once they are done, the same principal may wait again.
    expect((await waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 50))).freshness.stale).toBe(true);
  });

  it('over the API a burst past the cap answers OK or TOO_MANY_REQUESTS, never a 500', async () => {
    const analyst = await callerFor(t.services, 'analyst');
    const calls = Array.from({ length: MAX_WAITERS_PER_PRINCIPAL + 4 }, () =>
      codeOf(analyst.users.search({ q: 'x', minPosition: FAR, waitMs: 3000 })));
    const codes = await Promise.all(calls);
    expect(codes.every((c) => c === 'OK' || c === 'TOO_MANY_REQUESTS')).toBe(true);
  });
});
