/**
 * A shared step (ProjectionRunner.stepTogether) never waits for a checkpoint row another step holds
 * while it holds the others: the held consumer is left to its own step, the rest go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@/server/commands/users';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import type { TestEnv } from './support/harness';
import { countingProjection, countingReport, createCountingEnv, ctx, testLog, untilHorizonPassesLog } from './support/readside';

let t: TestEnv;
const first = countingProjection({ name: 'locks_a', table: 'locks_a', handles: ['UserCreated'] });
const second = countingProjection({ name: 'locks_b', table: 'locks_b', handles: ['UserCreated'] });
let runner: ProjectionRunner;

beforeAll(async () => {
  t = await createCountingEnv('readside_together_locks', { poolMax: 6, tables: ['locks_a', 'locks_b'] });
  runner = new ProjectionRunner(t.services.write, t.services.read, [first, second], testLog);
  await runner.ensureCheckpoints();
});
afterAll(() => t?.cleanup());

describe('a shared step', () => {
  it('leaves out a consumer whose checkpoint row another step holds, without waiting for it', async () => {
    const s = t.services;
    const made = await createUser(s, ctx(), { email: 'held@example.test', name: 'Held' });
    // Other tests' transactions on this server hold the safe horizon back meanwhile: the step below
    // is to find the event readable, so it waits until the horizon has passed it.
    await untilHorizonPassesLog(s.write.sql);

    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another step holding locks_b's row (as a worker applying it would), until released.
    const holder = s.read.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM projection_checkpoints WHERE name = 'locks_b' FOR UPDATE`;
      locked();
      await new Promise<void>((r) => (release = r));
    });
    await isLocked;
    let outcomes: Awaited<ReturnType<ProjectionRunner['stepTogether']>>;
    try {
      outcomes = await runner.stepTogether(['locks_a', 'locks_b']);
    } finally {
      release();
      await holder;
    }

    expect(Object.fromEntries(outcomes)).toEqual({ locks_a: { kind: 'applied', events: 1, more: false } });
    // The one left out takes its own step once the row is free; each event is applied once.
    expect(await runner.catchUp('locks_b')).toMatchObject({ kind: 'applied', events: 1 });
    for (const table of ['locks_a', 'locks_b'])
      expect(await countingReport(s.read.sql, { table, types: ['UserCreated'] })).toEqual({
        rows: 1,
        duplicated: 0,
        missing: 0,
        unexpected: 0,
        outOfOrder: 0,
      });
    const [row] = await s.read.sql<{ position: string }[]>`SELECT position FROM locks_a`;
    expect(Number(row!.position)).toBe(made.position);
  });
});
