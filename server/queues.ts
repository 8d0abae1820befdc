import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** BullMQ queues. Jobs are signals and work items; the truth stays in Postgres (DESIGN.md, 4). */
export const QUEUE = {
  relay: 'relay',
  projections: 'projections',
  saga: 'saga',
  maintenance: 'maintenance',
} as const;
export const queueNames: string[] = Object.values(QUEUE);

export type ProjectionJob = { kind: 'apply'; name: string } | { kind: 'rebuild'; name: string };

export interface Queues { byName: Record<string, Queue>; connection: Redis; close(): Promise<void> }

export function createQueues(redisUrl: string, prefix: string): Queues {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  const byName = Object.fromEntries(queueNames.map((n) => [n, new Queue(n, { connection, prefix: `${prefix}:bull` })]));
  return {
    byName, connection,
    async close() {
      await Promise.all(Object.values(byName).map((q) => q.close()));
      connection.disconnect();
    },
  };
}

export const bullPrefix = (prefix: string) => `${prefix}:bull`;
