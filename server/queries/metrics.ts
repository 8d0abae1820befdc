import os from 'node:os';
import type { Redis } from 'ioredis';
import { AggregatorRegistry, Gauge, Registry } from 'prom-client';
import type { BothDbDeps, EnvDeps, QueueDeps, RedisDeps } from '@/server/deps';
import type { Metrics } from '@/server/metrics';
import { projectionStatus } from './ops';

type MetricsDeps = BothDbDeps & EnvDeps & QueueDeps & Pick<RedisDeps, 'redis'>;

const workersKey = (prefix: string) => `${prefix}:metrics:workers`;

/** Whether the queues' connection is ready, or gets ready within `ms` (it connects lazily: the first scrape finds it connecting). */
function readyWithin(c: Redis, ms: number): Promise<boolean> {
  if (c.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      c.off('ready', onReady);
      resolve(false);
    }, ms);
    c.once('ready', onReady);
  });
}

/** System-wide gauges read at scrape time from Postgres and Redis: true even when a worker is dead. */
async function systemRegistry(s: MetricsDeps, redisUp: boolean): Promise<Registry> {
  const r = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [r] });
  gauge('ledgerline_redis_up', '1 when this scrape reached Redis; 0 while it is down (the queue gauges are then left out)').set(
    redisUp ? 1 : 0,
  );
  const lagEvents = gauge('ledgerline_projection_lag_events', 'Events in the log not yet applied, per projection', ['projection']);
  const lagSeconds = gauge('ledgerline_projection_lag_seconds', 'Age of the oldest event not yet applied, per projection', ['projection']);
  const failed = gauge('ledgerline_projection_failed', '1 when the projection has halted', ['projection']);
  const { data } = await projectionStatus(s);
  for (const p of data) {
    lagEvents.set({ projection: p.name }, p.lagEvents);
    lagSeconds.set({ projection: p.name }, p.lagSeconds);
    failed.set({ projection: p.name }, p.status === 'failed' ? 1 : 0);
  }
  const [relay] = await s.write.sql<{ n: string }[]>`
    SELECT count(*) AS n FROM events e, projection_checkpoints c
    WHERE c.name = '$relay' AND (e.tx_id, e.position) > (c.tx_id, c.position)`;
  gauge('ledgerline_relay_backlog_events', 'Events the relay has not moved yet').set(Number(relay?.n ?? 0));
  const dead = gauge('ledgerline_dead_letters', 'Dead letters not yet retried, per projection', ['projection']);
  for (const row of await s.read.sql<
    { projection: string; n: string }[]
  >`SELECT projection, count(*) AS n FROM dead_letters WHERE resolved_at IS NULL GROUP BY projection`) {
    dead.set({ projection: row.projection }, Number(row.n));
  }
  const [sagas] = await s.write.sql<{ n: string }[]>`SELECT count(*) AS n FROM order_sagas WHERE done = 0`;
  gauge('ledgerline_sagas_in_flight', 'Orders whose saga has not finished').set(Number(sagas?.n ?? 0));
  const [workers] = await s.read.sql<
    { n: string }[]
  >`SELECT count(*) AS n FROM worker_heartbeats WHERE beat_at > now() - ${s.env.HEARTBEAT_STALE_SECONDS} * interval '1 second'`;
  gauge('ledgerline_workers_alive', 'Workers with a fresh heartbeat').set(Number(workers?.n ?? 0));
  const jobs = gauge('ledgerline_queue_jobs', 'BullMQ jobs per queue and state', ['queue', 'state']);
  // A BullMQ queue waits for its connection to be ready: with Redis down the scrape would hang, so
  // the queue gauges are left out until it is back (ledgerline_workers_alive and /api/health tell).
  const queues = s.queues();
  if (!redisUp || !(await readyWithin(queues.connection, 1000))) return r;
  await Promise.all(
    Object.entries(queues.byName).map(async ([name, q]) => {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      for (const [state, n] of Object.entries(counts)) jobs.set({ queue: name, state }, n);
    }),
  );
  return r;
}

/**
 * Prometheus text for /api/metrics: this process, every live worker, and the system gauges. With
 * Redis down it still answers (200) with what Postgres knows and `ledgerline_redis_up 0`: the
 * workers' series and the queue gauges, which live in Redis, are left out until it is back.
 */
export async function renderMetrics(s: MetricsDeps, local: Metrics): Promise<{ contentType: string; body: string }> {
  const self = `${os.hostname()}:${process.pid}:`;
  // The services' Redis client gives a command up after two reconnection attempts: no hang here.
  const live = await s.redis
    .zrangebyscore(workersKey(s.prefix), Date.now() - s.env.HEARTBEAT_STALE_SECONDS * 1000, '+inf')
    .catch(() => null);
  const ids = (live ?? []).filter((id) => !id.startsWith(self)); // a worker inside this process is already in `local`
  const published = ids.length ? await s.redis.mget(ids.map((id) => `${s.prefix}:metrics:worker:${id}`)).catch(() => []) : [];
  const parts: object[][] = [await local.registry.getMetricsAsJSON(), await (await systemRegistry(s, live !== null)).getMetricsAsJSON()];
  for (const p of published) if (p) parts.push(JSON.parse(p) as object[]);
  const merged = AggregatorRegistry.aggregate(parts);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
