/** Postgres connection URLs as libpq writes them, read without a driver (the web tier's env parsing uses this too). */

/** libpq's socket form may leave the host name out (`postgres://user@/db`, `postgres:///db`); a URL parser needs one. */
export const withHostName = (url: string) => url.replace(/^(postgres(?:ql)?:\/\/(?:[^@/?#]*@)?)(?=[/?#])/, '$1localhost');

/**
 * The URL without a socket directory in `?host=`, and the socket's path when it named one. libpq's
 * form without a host name (`postgres://user@/db?host=/dir`, `postgres:///db?host=/dir`) is read as
 * well; several directories (`host=/a,/b`) are refused rather than joined into one wrong path.
 */
export function socketOf(url: string): { url: string; path?: string } {
  if (!/[?&]host=(\/|%2F)/i.test(url)) return { url };
  let u: URL;
  try {
    u = new URL(withHostName(url));
  } catch {
    return { url };
  }
  const dir = u.searchParams.get('host');
  if (!dir?.startsWith('/')) return { url };
  if (dir.includes(',')) throw new Error('A connection URL may name one socket directory (?host=/dir), not several');
  u.searchParams.delete('host');
  return { url: u.toString(), path: `${dir.replace(/\/+$/, '')}/.s.PGSQL.${u.port || 5432}` };
}

/** The host to give a libpq tool (pgbench, psql `-h`): the socket directory the URL names, else its host name. */
export function hostArgOf(url: string): string {
  const { path } = socketOf(url);
  return path ? path.slice(0, path.lastIndexOf('/')) : new URL(url).hostname;
}
