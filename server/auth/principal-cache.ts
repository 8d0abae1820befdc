import { randomUUID } from 'node:crypto';
import type { DbHandle } from '@/db/client';
import type { Principal } from './principal';
import { secretHash } from './crypto';
import { principalFromSession, principalFromToken, sessionSecretOf, type HeaderSource } from './store';
import { AUTH_CHANNEL, parseNotice, registerCache, unregisterCache, type Revoked } from './revocation';

export const DEFAULT_PRINCIPAL_TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  hash: string;
  expires: number;
}

/**
 * The principal behind a credential, cached per process for a short TTL so that a request does not
 * pay a Postgres round trip to learn who it is. Revocation does not wait for the TTL: every change
 * that can take access away is announced on AUTH_CHANNEL (see revocation.ts) and forgotten here.
 *
 * Only grants are cached, never refusals, and only while the LISTEN is up: after a reconnect
 * (when notices may have been missed) the whole cache is dropped. A lookup that was in flight when
 * a notice arrived is not cached, so a grant read just before a revocation cannot outlive it.
 */
export class PrincipalCache {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private listening = false;
  private started: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private pings = new Map<string, () => void>();
  private closed = false;
  /** Credential lookups that went to Postgres (for tests and metrics). */
  lookups = 0;

  constructor(
    private write: Pick<DbHandle, 'db' | 'sql' | 'listen'>,
    private key: string,
    private idleMs: number,
    private ttlMs = DEFAULT_PRINCIPAL_TTL_MS,
  ) {
    registerCache(this, write.db);
  }

  /** LISTENs for revocations (a LISTEN that survives a server restart: db/listen.ts); until it listens, nothing is cached. */
  start(): Promise<void> {
    if (this.ttlMs <= 0 || this.closed) return Promise.resolve();
    // onlisten runs after each re-LISTEN: notices may have been missed meanwhile, so forget everything.
    // onlost: while nobody listens a revocation would go unheard, so nothing is served from memory.
    this.started ??= this.write
      .listen(
        AUTH_CHANNEL,
        (payload) => this.onNotice(payload),
        () => this.relistened(),
        () => this.lost(),
      )
      .then(
        (meta) => {
          this.unlisten = meta.unlisten;
          this.forget({ all: true });
          this.listening = true;
        },
        (err: unknown) => {
          this.started = null; // try again on the next request
          throw err;
        },
      );
    return this.started;
  }

  private lost() {
    this.listening = false;
    this.forget({ all: true });
  }

  private relistened() {
    this.forget({ all: true });
    this.listening = true;
  }

  async authenticate(headers: HeaderSource): Promise<Principal | null> {
    const auth = headers.get('authorization');
    const kind = auth ? 'token' : 'session';
    const secret = auth ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : sessionSecretOf(headers.get('cookie'));
    if (!secret) return null;
    const hash = secretHash(secret, this.key);
    const cacheKey = `${kind}:${hash}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.expires > Date.now()) return hit.principal;
    if (hit) this.entries.delete(cacheKey);
    // Until the LISTEN is up nothing is cached; wait for it once, so the first requests already cache.
    if (!this.listening) await this.start().catch(() => undefined);
    const generation = this.generation;
    this.lookups++;
    const principal =
      kind === 'token'
        ? await principalFromToken(this.write.db, this.key, secret)
        : await principalFromSession(this.write.db, this.key, secret, this.idleMs);
    if (principal) this.remember(cacheKey, hash, principal, generation);
    return principal;
  }

  private remember(cacheKey: string, hash: string, principal: Principal, generation: number) {
    if (!this.listening || this.ttlMs <= 0 || generation !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(cacheKey, { principal, hash, expires: Date.now() + this.ttlMs });
  }

  private onNotice(payload: string) {
    const notice = parseNotice(payload);
    if ('ping' in notice) {
      this.pings.get(notice.ping)?.();
      return;
    }
    this.forget(notice);
  }

  forget(what: Revoked) {
    this.generation++;
    if ('all' in what) {
      this.entries.clear();
      return;
    }
    for (const [k, e] of this.entries) {
      const gone =
        'session' in what
          ? k === `session:${what.session}`
          : 'token' in what
            ? e.principal.kind === 'token' && e.principal.id === what.token
            : e.principal.kind === 'staff' && e.principal.id === what.staff;
      if (gone) this.entries.delete(k);
    }
  }

  /**
   * Resolves once every notice committed before this call has been handled here: Postgres delivers
   * notices to a listener in commit order, so our own ping coming back means the earlier ones did.
   */
  async sync(): Promise<void> {
    await this.start();
    const id = randomUUID();
    const heard = new Promise<void>((resolve) => this.pings.set(id, resolve));
    await this.write.sql`SELECT pg_notify(${AUTH_CHANNEL}, ${`ping:${id}`})`;
    await heard;
    this.pings.delete(id);
  }

  get size() {
    return this.entries.size;
  }

  async close() {
    this.closed = true;
    unregisterCache(this);
    this.entries.clear();
    this.listening = false;
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}
