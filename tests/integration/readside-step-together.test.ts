/**
 * A commit that several read models handle wakes them in one step: one read-side transaction for
 * all of them (ProjectionRunner.stepTogether), each consumer's rows with its own checkpoint. When a
 * batch of that step fails, the whole step is rolled back and each consumer takes its own step, so
 * nothing is applied twice and a poison event meets its consumer's own policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectionNames, projections } from '@/server/projections/registry';
import type { ProjectedEvent } from '@/server/domain/events';
import { createUser } from '@/server/commands/users';
import { userProfile } from '@/server/queries/users';
import type { TestEnv } from './support/harness';
import { countingProjection, countingReport, createCountingEnvWithWorker, ctx, settle } from './support/readside';

let t: TestEnv;
const isPoison = (e: ProjectedEvent) => e.type === 'UserCreated' && e.data.name.includes('Poison');
const healthy = countingProjection({ name: 'together_a', table: 'applied_a', onError: 'dead-letter' });
const poisoned = countingProjection({ name: 'together_b', table: 'applied_b', onError: 'dead-letter', poison: isPoison });
const defs = [...projections, healthy, poisoned];
const names = defs.map((d) => d.name);
/** The read models that handle UserCreated, woken by every user created. */
const onUserCreated = defs.filter((d) => (d.handles as readonly string[]).includes('UserCreated')).map((d) => d.name);

beforeAll(async () => {
  ({ t } = await createCountingEnvWithWorker('readside_together', {
    poolMax: 6,
    tables: ['applied_a', 'applied_b'],
    // No sweep while the tests run: every step here is started by the relay's wake.
    worker: { projections: defs, maxAttempts: 2, backoffMs: 20, sweepMs: 600_000 },
  }));
  await settle(t.services.read.sql, names);
});
afterAll(() => t?.cleanup());

const checkpointXmins = async (which: string[]) =>
  new Map(
    (
      await t.services.read.sql<{ name: string; xmin: string }[]>`
        SELECT name, xmin::text FROM projection_checkpoints WHERE name = ANY(${which})`
    ).map((r) => [r.name, r.xmin]),
  );

describe('consumers woken by one commit', () => {
  it('apply it in one transaction, each with its own checkpoint', async () => {
    const s = t.services;
    expect(onUserCreated).toEqual(expect.arrayContaining(['user_profile', 'user_search', 'analytics', 'cohorts', 'together_a']));
    await createUser(s, ctx(), { email: 'warm@example.test', name: 'Warm' });
    await settle(s.read.sql, names);
    const before = await checkpointXmins(onUserCreated);

    const made = await createUser(s, ctx(), { email: 'ada.together@example.test', name: 'Ada Together' });
    await settle(s.read.sql, names);
    const after = await checkpointXmins(onUserCreated);

    // Every checkpoint row moved, and all were written by one transaction.
    expect(onUserCreated.filter((n) => after.get(n) === before.get(n))).toEqual([]);
    expect(new Set(after.values()).size).toBe(1);
    expect((await userProfile(s, { userId: made.userId })).data?.email).toBe('ada.together@example.test');
    expect(await countingReport(s.read.sql, { table: 'applied_a', types: healthy.handles })).toEqual({
      rows: expect.any(Number),
      duplicated: 0,
      missing: 0,
      unexpected: 0,
      outOfOrder: 0,
    });
  });

  it('roll back together when one batch fails; each then takes its own step: nothing applied twice, the poison parked', async () => {
    const s = t.services;
    const poison = await createUser(s, ctx(), { email: 'poison.together@example.test', name: 'Poison Together' });
    const later = await createUser(s, ctx(), { email: 'later.together@example.test', name: 'Later Together' });
    await settle(s.read.sql, projectionNames);
    await settle(s.read.sql, ['together_a', 'together_b']);

    // The healthy consumers applied both events exactly once: the shared step's work was rolled back.
    expect(await countingReport(s.read.sql, { table: 'applied_a' })).toMatchObject({ duplicated: 0, missing: 0, outOfOrder: 0 });
    expect((await userProfile(s, { userId: later.userId })).data?.name).toBe('Later Together');
    // The failing consumer parked the poison event under its own policy and applied the rest once.
    expect(await countingReport(s.read.sql, { table: 'applied_b', except: [poison.position] })).toMatchObject({
      duplicated: 0,
      missing: 0,
      outOfOrder: 0,
    });
    const parked = await s.read.sql<{ position: string }[]>`
      SELECT position FROM dead_letters WHERE projection = 'together_b' AND resolved_at IS NULL`;
    expect(parked.map((r) => Number(r.position))).toEqual([poison.position]);
  });
});
