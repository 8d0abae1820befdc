import type { Redis } from 'ioredis';
import type { DbHandle } from '@/db/client';
import type { Env } from './env';
import type { Queues } from './queues';
import type { PositionWaiter } from './readside/wait';
import type { QueryCache } from './readside/cache';
import type { PrincipalCache } from './auth/principal-cache';

/**
 * The narrow dependencies that commands, queries and the engine ask for. `server/services.ts`
 * builds one object that has them all; each function names only the parts it uses, so a test or a
 * script can hand it just those, and no module below the composition root imports `Services`.
 * One handle per database: `write` (state and the event log) and `read` (the read models; the same
 * handle when READ_DATABASE_URL equals DATABASE_URL).
 */
export interface WriteDeps {
  write: DbHandle;
}
export interface ReadDbDeps {
  read: DbHandle;
}
export interface ReadDeps extends ReadDbDeps {
  waiter: PositionWaiter;
  cache: QueryCache;
}
export interface BothDbDeps extends WriteDeps, ReadDbDeps {}
export interface EnvDeps {
  env: Env;
}
export interface RedisDeps {
  redis: Redis;
  prefix: string;
  redisUrl: string;
}
export interface QueueDeps {
  prefix: string;
  queues(): Queues;
}
/** Who a request's credential belongs to, cached briefly per process; revocations arrive by NOTIFY. */
export interface AuthDeps {
  principals: PrincipalCache;
}
