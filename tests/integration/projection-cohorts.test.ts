/** Projection spec of cohorts: given registrations and completed orders → registration weeks and weekly activity. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortsProjection, weekOf } from '@/server/projections/cohorts';
import { createTestEnv, type TestEnv } from './support/harness';
import { eventLog, given, order } from './support/projection-spec';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv('spec_cohorts');
});
afterAll(async () => {
  await t?.cleanup();
});

describe('cohorts projection', () => {
  it('weeks start on Monday, UTC', () => {
    expect(weekOf('2026-03-01T23:59:59Z')).toBe('2026-02-23'); // a Sunday
    expect(weekOf('2026-03-02T00:00:00Z')).toBe('2026-03-02'); // a Monday
    expect(weekOf('2026-03-08T12:00:00Z')).toBe('2026-03-02');
  });

  it('puts each customer in their registration week and counts completed orders per week of completion', async () => {
    const log = eventLog();
    const [ann, bob] = [randomUUID(), randomUUID()].sort();
    const line = [{ productId: randomUUID(), quantity: 1, unitPriceCents: 100 }];
    log.add('UserCreated', { userId: ann!, email: 'ann@example.test', name: 'Ann' }, '2026-03-03T08:00:00Z');
    log.add('UserCreated', { userId: bob!, email: 'bob@example.test', name: 'Bob' }, '2026-03-10T08:00:00Z');
    order(log, { userId: ann!, lines: line, at: '2026-03-04T08:00:00Z', outcome: 'completed' });
    order(log, { userId: ann!, lines: line, at: '2026-03-05T08:00:00Z', outcome: 'completed' });
    order(log, { userId: ann!, lines: line, at: '2026-03-18T08:00:00Z', outcome: 'completed' });
    order(log, { userId: bob!, lines: line, at: '2026-03-11T08:00:00Z', outcome: 'payment_failed' });
    order(log, { userId: bob!, lines: line, at: '2026-03-12T08:00:00Z', outcome: 'pending' });
    await given(t.services.read, cohortsProjection, log.events);
    expect(
      await t.services.read.sql`SELECT user_id, to_char(cohort_week, 'YYYY-MM-DD') AS week FROM cohort_customers ORDER BY user_id`,
    ).toEqual([
      { user_id: ann, week: '2026-03-02' },
      { user_id: bob, week: '2026-03-09' },
    ]);
    expect(
      await t.services.read
        .sql`SELECT user_id, to_char(week, 'YYYY-MM-DD') AS week, completed_orders AS orders FROM cohort_activity ORDER BY user_id, week`,
    ).toEqual([
      { user_id: ann, week: '2026-03-02', orders: 2 },
      { user_id: ann, week: '2026-03-16', orders: 1 },
    ]);
  });
});
