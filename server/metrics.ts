import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Process-local metrics. The web tier serves its own plus every live worker's (workers publish
 * theirs to Redis with their heartbeat; see server/queries/metrics.ts), so one scrape of
 * /api/metrics covers the whole system.
 */
export interface Metrics {
  registry: Registry;
  commands: Counter<'type' | 'outcome'>;
  commandSeconds: Histogram<'type'>;
  querySeconds: Histogram<'query'>;
  cache: Counter<'query' | 'result'>;
  eventsApplied: Counter<'projection'>;
  batchSeconds: Histogram<'projection'>;
}

export function createMetrics(process: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry, prefix: 'ledgerline_' });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    commands: new Counter({
      name: 'ledgerline_commands_total',
      help: 'Commands handled, by type and outcome',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: 'ledgerline_command_duration_seconds',
      help: 'Command latency',
      labelNames: ['type'],
      buckets,
      registers: [registry],
    }),
    querySeconds: new Histogram({
      name: 'ledgerline_query_duration_seconds',
      help: 'Query latency',
      labelNames: ['query'],
      buckets,
      registers: [registry],
    }),
    cache: new Counter({
      name: 'ledgerline_cache_requests_total',
      help: 'Query cache lookups, by result (hit or miss)',
      labelNames: ['query', 'result'],
      registers: [registry],
    }),
    eventsApplied: new Counter({
      name: 'ledgerline_projection_events_applied_total',
      help: 'Events applied by projections in this process',
      labelNames: ['projection'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'ledgerline_projection_batch_duration_seconds',
      help: 'Projection batch latency',
      labelNames: ['projection'],
      buckets,
      registers: [registry],
    }),
  };
}

const key = Symbol.for('ledgerline.metrics');
/** This process's metrics (one set per process, surviving module reloads). */
export function metrics(processName = 'web'): Metrics {
  const g = globalThis as unknown as Record<symbol, Metrics | undefined>;
  g[key] ??= createMetrics(processName);
  return g[key]!;
}
