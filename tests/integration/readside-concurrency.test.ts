/**
 * Two workers at once (each with its own services: pools, Redis connections, BullMQ workers),
 * against the same Postgres and Redis prefix: both take jobs, and still every event is applied
 * exactly once, in log order, by each projection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '@/server/services';
import { projections } from '@/server/projections/registry';
import { startWorker } from '@/server/readside/worker';
import { QUEUE } from '@/server/queues';
import type { TestEnv } from './support/harness';
import {
  checkpointRows,
  countingProjection,
  countingReport,
  createCountingEnvWithPeer,
  mismatchesWithLog,
  runCommands,
  seedShop,
  settle,
  testLog,
} from './support/readside';

let t: TestEnv;
let second: Services;
beforeAll(async () => {
  ({ t, peer: second } = await createCountingEnvWithPeer('readside_two_workers', 'll-test-readside-worker-b', { poolMax: 8 }));
});
afterAll(() => t?.cleanup());

describe('two workers at once', () => {
  it('share the work and apply every event exactly once, in log order', async () => {
    const defs = [...projections, countingProjection()];
    const workers = [
      await startWorker(t.services, testLog, { projections: defs }),
      await startWorker(second, testLog, { projections: defs }),
    ];
    const batches = [0, 0];
    workers.forEach((w, i) => {
      const runner = w.consumers.runners[0]!;
      const inner = runner.onApplied;
      runner.onApplied = (name, events, seconds) => {
        if (events.length) batches[i]!++;
        inner?.(name, events, seconds);
      };
    });
    try {
      const shop = await seedShop(t.services, { users: 8, products: 6 });
      // Commands through both processes' services; extra signals through both queues.
      await Promise.all([
        runCommands(t.services, shop, 150, { concurrency: 3 }),
        runCommands(second, shop, 150, { concurrency: 3, offset: 150 }),
        (async () => {
          for (let i = 0; i < 10; i++) {
            await second
              .queues()
              .byName[QUEUE.projections]!.addBulk(defs.map((d) => ({ name: 'apply', data: { kind: 'apply' as const, name: d.name } })));
            await t.services.queues().byName[QUEUE.relay]!.add('relay', {});
          }
        })(),
      ]);
      await settle(
        t.services.read.sql,
        defs.map((d) => d.name),
      );

      expect(batches.every((n) => n > 0)).toBe(true);
      const report = await countingReport(t.services.read.sql);
      expect(report).toEqual({ rows: expect.any(Number), duplicated: 0, missing: 0, unexpected: 0, outOfOrder: 0 });
      const [events] = await t.services.read.sql<{ n: string }[]>`SELECT count(*) AS n FROM events`;
      expect(report.rows).toBe(Number(events!.n));

      const rows = await t.services.read.sql<{ type: string; n: string }[]>`SELECT type, count(*) AS n FROM events GROUP BY type`;
      const byType = new Map(rows.map((r) => [r.type, Number(r.n)]));
      const cks = await checkpointRows(t.services.read.sql);
      for (const d of defs) {
        expect({ name: d.name, applied: cks.get(d.name)!.eventsApplied }).toEqual({
          name: d.name,
          applied: d.handles.reduce((a, ty) => a + (byType.get(ty) ?? 0), 0),
        });
      }
      const { mismatches } = await mismatchesWithLog(t.services.read, projections);
      expect(mismatches).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
