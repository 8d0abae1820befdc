/**
 * A halted projection resumes after its fix without a rebuild: ops.resumeProjection retries the
 * event that stopped it (with fresh attempts), then everything after it, each once and in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectedEvent } from '@/server/domain/events';
import { createUser } from '@/server/commands/users';
import { resumeProjection } from '@/server/readside/resume';
import type { TestEnv } from './support/harness';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingEnvWithWorker,
  ctx,
  settle,
  waitUntil,
} from './support/readside';

let t: TestEnv;
const fix = { deployed: false };
const halting = countingProjection({
  name: 'resume_halt',
  table: 'applied_resume',
  onError: 'halt',
  poison: (e: ProjectedEvent) => !fix.deployed && e.type === 'UserCreated' && e.data.name.includes('Poison'),
});

beforeAll(async () => {
  ({ t } = await createCountingEnvWithWorker('readside_resume', {
    poolMax: 6,
    tables: ['applied_resume'],
    worker: { projections: [halting], maxAttempts: 2, backoffMs: 20 },
  }));
});
afterAll(() => t?.cleanup());

describe('resuming a halted projection', () => {
  it('is refused while it runs, then after the fix applies the poison event and what follows, once each', async () => {
    const s = t.services;
    await expect(resumeProjection(s, 'resume_halt', 'read')).rejects.toMatchObject({ code: 'CONFLICT' });

    await createUser(s, ctx(), { email: 'a@example.test', name: 'A' });
    const poison = await createUser(s, ctx(), { email: 'p@example.test', name: 'Poison' });
    await createUser(s, ctx(), { email: 'b@example.test', name: 'B' });
    await waitUntil(s.read.sql, async () => (await checkpointRows(s.read.sql)).get('resume_halt')!.status === 'failed', {
      what: 'the projection to halt',
    });
    const halted = (await checkpointRows(s.read.sql)).get('resume_halt')!;
    expect(halted.position).toBeLessThan(poison.position);

    fix.deployed = true;
    expect(await resumeProjection(s, 'resume_halt', 'read')).toEqual({ ok: true });
    await settle(s.read.sql, ['resume_halt']);
    const after = (await checkpointRows(s.read.sql)).get('resume_halt')!;
    expect(after).toMatchObject({ status: 'running', lastError: null });
    expect(await countingReport(s.read.sql, { table: 'applied_resume' })).toEqual({
      rows: 3,
      duplicated: 0,
      missing: 0,
      unexpected: 0,
      outOfOrder: 0,
    });
  });
});
