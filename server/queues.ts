import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** BullMQ queues. Jobs are signals and work items; the truth stays in Postgres (docs/architecture.md, invariant 4). */
export const QUEUE = {
  relay: 'relay',
  projections: 'projections',
  saga: 'saga',
  maintenance: 'maintenance',
} as const;
export const queueNames: string[] = Object.values(QUEUE);

export type ProjectionJob = { kind: 'apply'; name: string } | { kind: 'rebuild'; name: string };

export interface Queues {
  byName: Record<string, Queue>;
  connection: Redis;
  close(): Promise<void>;
}

export function createQueues(redisUrl: string, prefix: string): Queues {
  // Queues only add and count jobs (no blocking reads: the Workers have their own connections), so
  // a command gives up after two reconnection attempts instead of waiting for Redis forever: while
  // it is down, /api/metrics and the ops actions answer instead of hanging, and the relay's and the
  // saga's enqueues fail and are retried by their sweeps.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  connection.on('error', () => {});
  const byName = Object.fromEntries(queueNames.map((n) => [n, new Queue(n, { connection, prefix: `${prefix}:bull` })]));
  return {
    byName,
    connection,
    async close() {
      await Promise.all(Object.values(byName).map((q) => q.close()));
      connection.disconnect();
    },
  };
}

export const bullPrefix = (prefix: string) => `${prefix}:bull`;
