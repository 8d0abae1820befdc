import { Redis } from 'ioredis';
import { connect } from '@/db/client';
import { relayWakesSettled } from '@/server/commands/append';
import { env } from './env';
import type { AuthDeps, EnvDeps, QueueDeps, ReadDeps, RedisDeps, WriteDeps } from './deps';
import { PositionWaiter } from './readside/wait';
import { QueryCache } from './readside/cache';
import { createQueues, type Queues } from './queues';
import { metrics } from './metrics';
import { initTracing } from './tracing';
import { PrincipalCache } from './auth/principal-cache';
import { idleMsOf } from './auth/store';

/**
 * The composition root: everything a request or a job needs, created once per process and passed
 * down explicitly. Functions take only the parts they use (the interfaces in `server/deps.ts`);
 * nothing below this file imports it, so it can import what it wires without a cycle.
 */
export interface Services extends WriteDeps, ReadDeps, EnvDeps, RedisDeps, QueueDeps, AuthDeps {
  close(): Promise<void>;
}

export interface ServiceOptions {
  databaseUrl?: string;
  readDatabaseUrl?: string;
  redisUrl?: string;
  prefix?: string;
  poolMax?: number;
  appName?: string;
  /** How long a principal may be served from memory (0: never); revocations end it sooner. */
  principalTtlMs?: number;
  /** Sees every statement sent to Postgres by these services' pools (tests that count round trips). */
  onQuery?: (query: string) => void;
  /** How long an answer read from Redis is served from this process (HELD_ANSWERS' 5 s by default). */
  heldAnswersMs?: number;
}

export function createServices(opts: ServiceOptions = {}): Services {
  const e = env();
  const databaseUrl = opts.databaseUrl ?? e.DATABASE_URL;
  const readUrl = opts.readDatabaseUrl ?? (opts.databaseUrl ? opts.databaseUrl : e.READ_DATABASE_URL);
  const pool = { max: opts.poolMax ?? e.DB_POOL_MAX, appName: opts.appName, onQuery: opts.onQuery };
  const write = connect(databaseUrl, pool);
  const read = readUrl === databaseUrl ? write : connect(readUrl, pool);
  const redis = new Redis(opts.redisUrl ?? e.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', () => {}); // ioredis reconnects by itself; failures surface on the commands that need it.
  const prefix = opts.prefix ?? e.REDIS_PREFIX;
  const waiter = new PositionWaiter(read, write.db);
  const cache = new QueryCache(redis, prefix, { held: { ...HELD_ANSWERS, ttlMs: opts.heldAnswersMs ?? HELD_ANSWERS.ttlMs } });
  cache.onResult = (query, hit) => metrics().cache.inc({ query, result: hit ? 'hit' : 'miss' });
  // A rebuild's swap or an applied dead letter changes rows under unchanged checkpoints: what this
  // process holds is forgotten at once (Redis's entries age out in their own TTL, as before).
  waiter.onRowsChanged = () => cache.forgetHeld();
  const principals = new PrincipalCache(write, e.SESSION_SECRET, idleMsOf(e), opts.principalTtlMs ?? e.PRINCIPAL_CACHE_MS);
  const redisUrl = opts.redisUrl ?? e.REDIS_URL;
  let queues: Queues | undefined;
  return {
    env: e,
    write,
    read,
    redis,
    prefix,
    waiter,
    cache,
    principals,
    redisUrl,
    queues: () => (queues ??= createQueues(redisUrl, prefix)),
    async close() {
      await queues?.close();
      await waiter.close();
      await principals.close();
      redis.disconnect();
      await relayWakesSettled(write.db); // a NOTIFY still in flight after the last command
      await write.close();
      if (read !== write) await read.close();
    },
  };
}

/**
 * Query answers each process holds after reading them from Redis (server/readside/cache.ts): a hot
 * answer is then served with no I/O for 5 s. At most 32 MB and 4,096 answers (one at most 2 MB).
 */
const HELD_ANSWERS = { ttlMs: 5_000, maxBytes: 32 * 1024 * 1024, maxEntries: 4_096 };

const globalKey = Symbol.for('ledgerline.services');
/** The process-wide services of the web tier (survives Next's module reloading in development). */
export function services(): Services {
  const g = globalThis as unknown as Record<symbol, Services | undefined>;
  if (!g[globalKey]) {
    initTracing('ledgerline-web', { endpoint: env().OTEL_EXPORTER_OTLP_ENDPOINT });
    g[globalKey] = createServices({ appName: 'ledgerline-web' });
  }
  return g[globalKey]!;
}
