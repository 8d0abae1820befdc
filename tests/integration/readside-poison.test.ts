/**
 * A poison event (one the projection's code cannot apply): after its retries, a `halt` projection
 * stops where it is and reports the error; a `dead-letter` projection parks it, applies what comes
 * after, and applies it when an operator retries it once the fix is deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectionNames, projections } from '@/server/projections/registry';
import type { ProjectedEvent } from '@/server/domain/events';
import { retryDeadLetter } from '@/server/readside/dead-letters';
import { listDeadLetters, projectionStatus } from '@/server/queries/ops';
import { userProfile } from '@/server/queries/users';
import { createUser } from '@/server/commands/users';
import { rebuildProjection } from '@/server/readside/rebuild';
import type { TestEnv } from './support/harness';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingEnvWithWorker,
  ctx,
  settle,
  testLog,
  waitUntil,
} from './support/readside';

let t: TestEnv;
const fix = { deployed: false };
const isPoison = (e: ProjectedEvent) => !fix.deployed && e.type === 'UserCreated' && e.data.name.includes('Poison');
const halting = countingProjection({ name: 'poison_halt', table: 'applied_halt', onError: 'halt', poison: isPoison });
const parking = countingProjection({ name: 'poison_park', table: 'applied_park', onError: 'dead-letter', poison: isPoison });
const defs = [...projections, halting, parking];
let worker: Awaited<ReturnType<typeof createCountingEnvWithWorker>>['worker'];

beforeAll(async () => {
  ({ t, worker } = await createCountingEnvWithWorker('readside_poison', {
    poolMax: 6,
    tables: ['applied_halt', 'applied_park'],
    worker: { projections: defs, maxAttempts: 3, backoffMs: 20 },
  }));
});
afterAll(() => t?.cleanup());

const applied = async (table: string, position: number) =>
  (await t.services.read.sql.unsafe<{ applied: number }[]>(`SELECT applied FROM "${table}" WHERE position = $1`, [position]))[0]?.applied ??
  0;

describe('a poison event', () => {
  it('halts a `halt` projection with its error, parks it for a `dead-letter` one, and a retry after the fix applies it', async () => {
    const s = t.services;
    const before = await createUser(s, ctx(), { email: 'before@example.test', name: 'Before' });
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );
    const poison = await createUser(s, ctx(), { email: 'poison@example.test', name: 'Poison Pill' });
    const later = await createUser(s, ctx(), { email: 'later@example.test', name: 'Later' });

    await waitUntil(
      s.read.sql,
      async () => {
        const cks = await checkpointRows(s.read.sql);
        const [parked] = await s.read.sql<{ n: string }[]>`SELECT count(*) AS n FROM dead_letters WHERE projection = 'poison_park'`;
        return cks.get('poison_halt')!.status === 'failed' && Number(parked!.n) === 1;
      },
      { what: 'poison_halt halted and poison_park parked the event' },
    );
    await settle(s.read.sql, [...projectionNames, 'poison_park']);

    // halt: stopped before the poison event, with the error for the operator; nothing after it applied.
    const status = (await projectionStatus(s)).data;
    const halted = status.find((p) => p.name === 'poison_halt')!;
    expect(halted.status).toBe('failed');
    expect(halted.lastError).toContain(`event ${poison.position} (UserCreated)`);
    expect(halted.lastError).toContain('poison');
    expect(halted.position).toBeLessThan(poison.position);
    expect(halted.lagEvents).toBeGreaterThanOrEqual(2);
    expect([
      await applied('applied_halt', before.position),
      await applied('applied_halt', poison.position),
      await applied('applied_halt', later.position),
    ]).toEqual([1, 0, 0]);
    expect((await checkpointRows(s.read.sql)).get('poison_halt')!.failingAttempts).toBe(3);
    // A halted projection stays halted: a new signal does not make it skip the event.
    expect(await worker.catchUp('poison_halt')).toEqual({ kind: 'failed' });

    // The other projections did not stop.
    expect((await userProfile(s, { userId: later.userId })).data).toMatchObject({ email: 'later@example.test' });
    for (const name of projectionNames)
      expect({ name, status: status.find((p) => p.name === name)!.status }).toEqual({ name, status: 'running' });

    // dead-letter: parked after its attempts, the events after it applied.
    const letters = (await listDeadLetters(s)).data.filter((l) => l.projection === 'poison_park');
    expect(letters).toMatchObject([
      { projection: 'poison_park', position: poison.position, eventType: 'UserCreated', attempts: 3, resolvedAt: null },
    ]);
    expect(letters[0]!.error).toContain('poison');
    expect([
      await applied('applied_park', before.position),
      await applied('applied_park', poison.position),
      await applied('applied_park', later.position),
    ]).toEqual([1, 0, 1]);
    expect(status.find((p) => p.name === 'poison_park')!.status).toBe('running');

    // A retry before the fix fails again and leaves the letter open.
    const id = letters[0]!.id;
    const early = await retryDeadLetter(s.read, s.write, defs, id);
    expect(early).toMatchObject({ ok: false, error: expect.stringContaining('poison') });
    expect((await listDeadLetters(s)).data.find((l) => l.id === id)).toMatchObject({ attempts: 4, resolvedAt: null });

    // The fix is deployed; the operator retries: applied once, the letter resolved, a second retry refused.
    fix.deployed = true;
    expect(await retryDeadLetter(s.read, s.write, defs, id)).toEqual({ ok: true });
    expect(await applied('applied_park', poison.position)).toBe(1);
    expect((await listDeadLetters(s)).data.find((l) => l.id === id)!.resolvedAt).not.toBeNull();
    await expect(retryDeadLetter(s.read, s.write, defs, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await countingReport(s.read.sql, { table: 'applied_park' })).toMatchObject({ duplicated: 0, missing: 0, unexpected: 0 });

    // The halted projection resumes by a rebuild once the fix is in: every event once, in log order.
    await rebuildProjection(s.read, s.write, halting, testLog);
    await createUser(s, ctx(), { email: 'after-fix@example.test', name: 'After Fix' });
    await worker.catchUp('poison_halt');
    await settle(
      s.read.sql,
      defs.map((d) => d.name),
    );
    expect((await checkpointRows(s.read.sql)).get('poison_halt')).toMatchObject({ status: 'running', lastError: null });
    expect(await countingReport(s.read.sql, { table: 'applied_halt' })).toEqual({
      rows: expect.any(Number),
      duplicated: 0,
      missing: 0,
      unexpected: 0,
      outOfOrder: 0,
    });
  });
});
