import postgres from 'postgres';
import { reconnectBackoff } from './backoff';
import { postgresAt } from './postgres-at';

export interface Listening {
  unlisten(): Promise<void>;
}
interface Subscriber {
  notify(payload: string): void;
  onlisten?: () => void;
  onlost?: () => void;
}

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2000;

/**
 * LISTEN on one dedicated connection per pool that comes back by itself. postgres.js's own
 * `sql.listen` re-listens once when its connection closes and silently drops the listener if that
 * attempt fails, which it does while the server restarts: the process would then never be woken
 * again. Here a lost connection is retried with backoff until every channel listens again, and each
 * subscriber's `onlisten` runs after every (re)listen, so that it can catch up on notifications sent
 * while nobody listened (they are not queued for a closed session). `onlost` runs as soon as the
 * connection is gone, so that whoever trusts the notifications for freshness stops trusting them.
 */
export class ListenHub {
  private client: postgres.Sql;
  private channels = new Map<string, Set<Subscriber>>();
  private retry: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(url: string, appName: string) {
    // `onnotify` is how postgres.js's own listen receives notifications; its types omit it.
    const onnotify = (channel: string, payload: string) => {
      for (const s of this.channels.get(channel) ?? []) s.notify(payload);
    };
    this.client = postgresAt(url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: 0,
      fetch_types: false,
      onnotice: () => {},
      backoff: reconnectBackoff,
      connection: { application_name: `${appName}:listen` },
      onclose: () => this.lost(),
      ...({ onnotify } as object),
    });
  }

  /** Subscribes to a channel; resolves once the server listens on it. */
  async listen(channel: string, notify: (payload: string) => void, onlisten?: () => void, onlost?: () => void): Promise<Listening> {
    const sub: Subscriber = { notify, onlisten, onlost };
    let subs = this.channels.get(channel);
    if (!subs) {
      this.channels.set(channel, (subs = new Set()));
      try {
        await this.client.unsafe(`LISTEN ${ident(channel)}`);
      } catch (err) {
        this.channels.delete(channel);
        throw err;
      }
    }
    subs.add(sub);
    return {
      unlisten: async () => {
        subs.delete(sub);
        if (subs.size > 0 || this.channels.get(channel) !== subs) return;
        this.channels.delete(channel);
        if (!this.closed) await this.client.unsafe(`UNLISTEN ${ident(channel)}`).catch(() => undefined); // a closed session listens no more anyway
      },
    };
  }

  private lost() {
    if (this.closed) return;
    for (const subs of this.channels.values()) for (const s of subs) s.onlost?.();
    if (this.retry || this.channels.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.relisten();
    }, this.retryMs);
    this.retry.unref();
  }

  private async relisten() {
    try {
      for (const channel of this.channels.keys()) await this.client.unsafe(`LISTEN ${ident(channel)}`);
    } catch {
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      this.lost();
      return;
    }
    this.retryMs = FIRST_RETRY_MS;
    for (const subs of this.channels.values()) for (const s of subs) s.onlisten?.();
  }

  async close() {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client.end({ timeout: 1 });
  }
}

const ident = (channel: string) => `"${channel.replace(/"/g, '""')}"`;
