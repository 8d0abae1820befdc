import postgres from 'postgres';
import { postgresAt } from './postgres-at';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { ListenHub, type Listening } from './listen';
import { reconnectBackoff } from './backoff';

export { RECONNECT_BACKOFF_MAX_S } from './backoff';

/**
 * Drizzle without its relational query API (`db.query.*`, unused here): given the schema, Drizzle
 * builds a query builder for every table on each transaction it opens (about 2% of the web
 * process's CPU on users.create). Queries name their tables (`db/schema`) themselves.
 */
export type Db = PostgresJsDatabase;
/** A Drizzle transaction handle, as passed to `db.transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  sql: postgres.Sql;
  /** LISTEN that survives a server restart (see ListenHub); `onlisten` runs after each re-listen, `onlost` when the connection goes. */
  listen(channel: string, notify: (payload: string) => void, onlisten?: () => void, onlost?: () => void): Promise<Listening>;
  close(): Promise<void>;
}

/** `onQuery` sees the text of every statement this pool sends (tests count them); it never sees the LISTEN connection's. */
export interface ConnectOptions {
  max?: number;
  appName?: string;
  prepare?: boolean;
  onQuery?: (query: string) => void;
}

export function connect(url: string, opts: ConnectOptions = {}): DbHandle {
  const onQuery = opts.onQuery;
  const client = postgresAt(url, {
    max: opts.max ?? 10,
    backoff: reconnectBackoff,
    ...(onQuery ? { debug: (_connection: number, query: string) => onQuery(query) } : {}),
    onnotice: () => {},
    connection: { application_name: opts.appName ?? 'ledgerline' },
  });
  const db = drizzle(opts.prepare === false ? client : preparedStatements(client));
  let hub: ListenHub | undefined;
  return {
    db,
    sql: client,
    listen: (channel, notify, onlisten, onlost) =>
      (hub ??= new ListenHub(url, opts.appName ?? 'ledgerline')).listen(channel, notify, onlisten, onlost),
    close: async () => {
      await hub?.close();
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * Drizzle runs every query as `client.unsafe(text, params, { prepare: false })` (drizzle-orm#6096),
 * and postgres.js then describes each statement that has parameters before running it: two round
 * trips per statement, parsed and planned by the server every time. With prepare on, a statement
 * is described once per connection and then runs in one round trip, as postgres.js's own tagged
 * templates do. Queries without parameters still use the simple protocol (DDL, several statements).
 * Pass `prepare: false` to `connect` behind a pooler that cannot keep prepared statements.
 */
function preparedStatements(client: postgres.Sql): postgres.Sql {
  type Unsafe = (query: string, params?: unknown[], options?: Record<string, unknown>) => unknown;
  type Scoped = (...args: unknown[]) => unknown;
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        const unsafe = target.unsafe as unknown as Unsafe;
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          unsafe(query, params, { ...options, prepare: true });
      }
      const scoped = (target as unknown as Record<string | symbol, Scoped | undefined>)[prop];
      if ((prop === 'begin' || prop === 'savepoint') && typeof scoped === 'function') {
        // A transaction (or savepoint) runs on its own `sql`: wrap that one too.
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          return scoped.call(target, ...args, (tx: postgres.Sql) => fn(preparedStatements(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}
