import postgres from 'postgres';

/**
 * A postgres.js client for a connection URL, with libpq's way of naming a Unix socket understood:
 * `postgres://postgres@localhost/ledgerline?host=/var/run/postgresql` connects through
 * `/var/run/postgresql/.s.PGSQL.5432` (the URL's port, 5432 by default). postgres.js reads no socket
 * from a URL (it would send `host` to the server as a setting and fail). On one machine the socket
 * costs less CPU per round trip than TCP over loopback (docs/benchmarks.md).
 */
export function postgresAt(url: string, options: postgres.Options<Record<string, never>> = {}): postgres.Sql {
  const { url: plain, path } = socketOf(url);
  return postgres(plain, path ? { ...options, path } : options);
}

/** The URL without a socket directory in `?host=`, and the socket's path when it named one. */
export function socketOf(url: string): { url: string; path?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  const dir = u.searchParams.get('host');
  if (!dir?.startsWith('/')) return { url };
  u.searchParams.delete('host');
  return { url: u.toString(), path: `${dir.replace(/\/+$/, '')}/.s.PGSQL.${u.port || 5432}` };
}
