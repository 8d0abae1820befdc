import { describe, expect, it } from 'vitest';
import { runPool, type PoolTask } from '@/server/importer/pool';

/** A task that records when it starts and ends, finishing after `ticks` turns of the event loop. */
function recorder() {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const task = (name: string, opts: { key?: string; barrier?: boolean; ticks?: number; fail?: boolean } = {}): PoolTask => ({
    key: opts.key,
    barrier: opts.barrier,
    async run() {
      running += 1;
      peak = Math.max(peak, running);
      log.push(`+${name}`);
      for (let i = 0; i < (opts.ticks ?? 1); i++) await new Promise((r) => setImmediate(r));
      running -= 1;
      log.push(`-${name}`);
      if (opts.fail) throw new Error(`${name} failed`);
    },
  });
  return { log, task, peak: () => peak };
}

describe('runPool', () => {
  it('keeps at most `concurrency` tasks in flight and runs them all', async () => {
    const r = recorder();
    await runPool(
      Array.from({ length: 20 }, (_, i) => r.task(`t${i}`, { ticks: 1 + (i % 3) })),
      4,
    );
    expect(r.peak()).toBe(4);
    expect(r.log.filter((l) => l.startsWith('-'))).toHaveLength(20);
  });

  it('runs tasks with the same key one after another, in order', async () => {
    const r = recorder();
    await runPool(
      [r.task('a1', { key: 'a', ticks: 5 }), r.task('b1', { key: 'b' }), r.task('a2', { key: 'a' }), r.task('a3', { key: 'a' })],
      8,
    );
    const at = (e: string) => r.log.indexOf(e);
    expect(at('+a2')).toBeGreaterThan(at('-a1'));
    expect(at('+a3')).toBeGreaterThan(at('-a2'));
    expect(at('+b1')).toBeLessThan(at('-a1'));
  });

  it('runs a barrier alone: after everything before it, before anything after it', async () => {
    const r = recorder();
    await runPool([r.task('x', { ticks: 4 }), r.task('y', { ticks: 2 }), r.task('restock', { barrier: true, ticks: 2 }), r.task('z')], 8);
    const at = (e: string) => r.log.indexOf(e);
    expect(at('+restock')).toBeGreaterThan(Math.max(at('-x'), at('-y')));
    expect(at('+z')).toBeGreaterThan(at('-restock'));
  });

  it('stops starting tasks after a failure, lets the running ones finish, then throws it', async () => {
    const r = recorder();
    const tasks = [
      r.task('slow', { ticks: 6 }),
      r.task('bad', { fail: true }),
      ...Array.from({ length: 10 }, (_, i) => r.task(`later${i}`, { ticks: 3 })),
    ];
    await expect(runPool(tasks, 2)).rejects.toThrow('bad failed');
    expect(r.log).toContain('-slow');
    expect(r.log.filter((l) => l.startsWith('+later')).length).toBeLessThan(3);
  });
});
