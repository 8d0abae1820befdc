/**
 * Revocation notices for the principal caches. The database announces every change that can take
 * access away on AUTH_CHANNEL (triggers in migration 0005_auth_notify): `s:<session token hash>`,
 * `t:<api token id>`, `p:<staff id>`. Every web process LISTENs and forgets what the notice names.
 * The instance that made the change forgets at once too (`forgetLocally`), before its NOTIFY even
 * comes back, so its own next request already sees the change.
 */
export const AUTH_CHANNEL = 'ledgerline_auth';

export type Revoked = { session: string } | { token: string } | { staff: string } | { all: true };

export function parseNotice(payload: string): Revoked | { ping: string } {
  const sep = payload.indexOf(':');
  const kind = payload.slice(0, sep);
  const value = payload.slice(sep + 1);
  if (sep > 0 && value) {
    if (kind === 's') return { session: value };
    if (kind === 't') return { token: value };
    if (kind === 'p') return { staff: value };
    if (kind === 'ping') return { ping: value };
  }
  return { all: true }; // unknown notice: forgetting everything is always safe
}

export interface Forgetting {
  forget(what: Revoked): void;
}

const registryKey = Symbol.for('ledgerline.principal-caches');
/** The principal caches of this process and the database handle each reads (shared across Next's module copies). */
function registry(): Map<Forgetting, object> {
  const g = globalThis as unknown as Record<symbol, Map<Forgetting, object> | undefined>;
  return (g[registryKey] ??= new Map());
}

export const registerCache = (c: Forgetting, db: object) => {
  registry().set(c, db);
};
export const unregisterCache = (c: Forgetting) => {
  registry().delete(c);
};

/**
 * Forgets a revoked principal, right after the change committed, in the caches of this process
 * that read through `db` (the handle the change was made with). Other instances hear the NOTIFY.
 */
export function forgetLocally(db: object, what: Revoked) {
  for (const [c, cacheDb] of registry()) if (cacheDb === db) c.forget(what);
}
