import postgres from 'postgres';
import { socketOf } from './pg-url';

/**
 * A postgres.js client for a connection URL, with libpq's way of naming a Unix socket understood:
 * `postgres://postgres@localhost/ledgerline?host=/var/run/postgresql` connects through
 * `/var/run/postgresql/.s.PGSQL.5432` (the URL's port, 5432 by default). postgres.js reads no socket
 * from a URL (it would send `host` to the server as a setting and fail). On one machine a round trip
 * through the socket is quicker than over TCP loopback (docs/benchmarks.md, "evening").
 */
export function postgresAt(url: string, options: postgres.Options<Record<string, never>> = {}): postgres.Sql {
  const { url: plain, path } = socketOf(url);
  return postgres(plain, path ? { ...options, path } : options);
}
