import { z } from 'zod';
import { parseTrustedProxies, type ProxyTrust } from './http/forwarded';
import { withHostName } from '@/db/pg-url';

const url = (fallback: string) => z.string().url().default(fallback);
/** A Postgres URL; libpq's socket form without a host name (`postgres://u@/db?host=/dir`) is given `localhost` (db/postgres-at.ts). */
const pgUrl = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (typeof v === 'string' ? withHostName(v) : v), inner);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: pgUrl(url('postgres://postgres@127.0.0.1:5432/ledgerline')),
  READ_DATABASE_URL: pgUrl(z.string().url().optional()),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('ledgerline'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  ADMIN_EMAIL: z.string().email().default('admin@ledgerline.local'),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LAG_ALERT_EVENTS: z.coerce.number().int().positive().default(1000),
  LAG_ALERT_SECONDS: z.coerce.number().positive().default(30),
  HEARTBEAT_STALE_SECONDS: z.coerce.number().positive().default(20),
  /** Saga jobs (payment calls, mostly waiting on the gateway) run at once per worker. */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(32),
  PAYMENT_DEADLINE_MS: z.coerce.number().int().positive().default(5000),
  PAYMENT_SLOW_MS: z.coerce.number().int().positive().default(15000),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  /** How long a web process may reuse who a credential belongs to; revocations end it at once (NOTIFY). 0 turns the cache off. */
  PRINCIPAL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /**
   * Proxies in front of the web tier whose X-Forwarded-For may be believed: a hop count (`1`) or
   * addresses and CIDR ranges (`10.0.0.0/8,127.0.0.1`). Unset: the socket's peer is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx): ProxyTrust => {
      try {
        return parseTrustedProxies(v);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `${(err as Error).message}; use a hop count or a comma-separated list of addresses/CIDRs`,
        });
        return z.NEVER;
      }
    }),
  /** A session not used for this long is signed out, well before its 7-day maximum. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 60),
});

export type Env = z.infer<typeof schema> & { READ_DATABASE_URL: string; SESSION_SECRET: string };

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!e.SESSION_SECRET && e.NODE_ENV === 'production' && process.env.LEDGERLINE_ALLOW_DEV_SECRET !== '1') {
    throw new Error('Invalid environment:\n  SESSION_SECRET: required in production (at least 16 characters)');
  }
  return {
    ...e,
    READ_DATABASE_URL: e.READ_DATABASE_URL ?? e.DATABASE_URL,
    // Development default only; production refuses to start without a real secret.
    SESSION_SECRET: e.SESSION_SECRET ?? 'ledgerline-development-secret-not-for-production',
  };
}

let cached: Env | undefined;
/** The parsed environment; read once, on first use. */
export function env(): Env {
  cached ??= load();
  return cached;
}
