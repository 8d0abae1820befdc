/**
 * Finding 5: read-your-writes waiters are capped per principal and per process, so one caller
 * cannot hold an unbounded number of requests open with a minPosition past the head. The counts
 * are exact: a slot is taken synchronously when the wait is asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WAITERS, MAX_WAITERS_PER_PRINCIPAL, TooManyWaitersError, waitingAs } from '@/server/readside/wait';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { codeOf } from './support/foundation';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('waiters');
});
afterAll(async () => {
  await t?.cleanup();
});

const FAR = 1_000_000_000; // a position no event has: the wait can only end by its timeout

describe('waiter caps (finding 5)', () => {
  it(`one principal holds at most ${MAX_WAITERS_PER_PRINCIPAL} waits; the next is refused at once; another principal is not affected`, async () => {
    const held = Array.from({ length: MAX_WAITERS_PER_PRINCIPAL }, () =>
      waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 3000)),
    );
    // Each call above took its slot synchronously, so the next one is refused whatever the timing.
    await expect(waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 3000))).rejects.toBeInstanceOf(
      TooManyWaitersError,
    );
    const other = waitingAs('token:polite', () => t.services.waiter.waitFor(['user_profile'], FAR, 100));
    expect((await other).freshness.stale).toBe(true);
    for (const r of await Promise.all(held)) expect(r.freshness.stale).toBe(true);
    // Once they are done, the same principal may wait again.
    expect((await waitingAs('token:greedy', () => t.services.waiter.waitFor(['user_profile'], FAR, 50))).freshness.stale).toBe(true);
  });

  it(`the process holds at most ${MAX_WAITERS} waits over all principals: of ${MAX_WAITERS + 7}, exactly ${MAX_WAITERS} are answered and exactly 7 refused`, async () => {
    // One principal per wait, so that only the per-process cap can refuse.
    const outcomes = await Promise.all(
      Array.from({ length: MAX_WAITERS + 7 }, (_, i) =>
        waitingAs(`token:crowd-${i}`, () => t.services.waiter.waitFor(['user_profile'], FAR, 3000)).then(
          (r) => (r.freshness.stale ? 'answered stale' : 'answered fresh'),
          (err: unknown) => (err instanceof TooManyWaitersError ? `refused: ${err.scope}` : `failed: ${String(err)}`),
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    expect(counts).toEqual({ 'answered stale': MAX_WAITERS, 'refused: process': 7 });
    // Every slot came back: a new wait is held again.
    expect((await waitingAs('token:after-crowd', () => t.services.waiter.waitFor(['user_profile'], FAR, 50))).freshness.stale).toBe(true);
  });

  it(`over the API a burst of ${MAX_WAITERS_PER_PRINCIPAL + 4} from one principal: exactly ${MAX_WAITERS_PER_PRINCIPAL} answered, exactly 4 TOO_MANY_REQUESTS, never a 500`, async () => {
    const analyst = await callerFor(t.services, 'analyst');
    // The waits are held until their timeout (no event has FAR), long enough for every call of the burst to arrive.
    const calls = Array.from({ length: MAX_WAITERS_PER_PRINCIPAL + 4 }, () =>
      codeOf(analyst.users.search({ q: 'x', minPosition: FAR, waitMs: 8000 })),
    );
    const counts: Record<string, number> = {};
    for (const c of await Promise.all(calls)) counts[c] = (counts[c] ?? 0) + 1;
    expect(counts).toEqual({ OK: MAX_WAITERS_PER_PRINCIPAL, TOO_MANY_REQUESTS: 4 });
  });
});
