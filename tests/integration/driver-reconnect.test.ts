/**
 * postgres.js waits before it reconnects, and the wait grows with every failed connection attempt
 * of the pool: (0.5–1) × min(3^n / 100, 20) s, reset only by a connection that succeeds. While
 * Postgres restarts, every query fails once on ECONNREFUSED, so n climbs past 7 within seconds;
 * once Postgres is back, the next query waits 10–20 s before it even connects. A read-side
 * transaction that needs the write database meanwhile (the projection runner's step with read
 * models in another cluster) sat idle in a transaction for that long: the fault test's flake.
 * The project's pools cap that wait (db/client.ts, RECONNECT_BACKOFF_MAX_S).
 *
 * Postgres "restarts" here behind a TCP proxy of this test: closing the proxy refuses
 * connections exactly as a stopped server does, without touching the shared server.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, RECONNECT_BACKOFF_MAX_S, type DbHandle } from '@/db/client';
import { env } from '@/server/env';
import { freePort } from './support/server';

const target = new URL(env().DATABASE_URL);
let port: number;
let proxy: net.Server | null = null;
const links = new Set<net.Socket>();
let h: DbHandle;

function up(): Promise<void> {
  proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, server]) {
      links.add(s);
      s.on('error', () => {});
      s.on('close', () => links.delete(s));
    }
    client.pipe(server).pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  return new Promise((resolve) => proxy!.listen(port, '127.0.0.1', resolve));
}

async function down() {
  const closing = new Promise((resolve) => proxy!.close(resolve));
  for (const s of links) s.destroy(); // the server went away: every session ends
  await closing;
}

beforeAll(async () => {
  port = await freePort();
  await up();
  h = connect(`postgres://${target.username || 'postgres'}@127.0.0.1:${port}/postgres`, { max: 2, appName: 'll-test-reconnect' });
  await h.sql`SELECT 1`;
});
afterAll(async () => {
  await h?.close();
  if (proxy?.listening) await down();
});

/** The query's outcome, or 'hung' when it has not settled within `ms`. */
const settled = (q: Promise<unknown>, ms: number) =>
  Promise.race([
    q.then(
      () => 'answered',
      (e: { code?: string }) => `failed: ${e.code ?? String(e)}`,
    ),
    new Promise<string>((r) => setTimeout(() => r('hung'), ms).unref()),
  ]);

describe('a pool after a Postgres outage (postgres.js reconnect backoff)', () => {
  it('answers the first query once Postgres is back, without the unbounded backoff the outage built up', async () => {
    const wait = (RECONNECT_BACKOFF_MAX_S + 4) * 1000;
    await down();
    // A busy web tier or worker sends many queries while the server is down: each fails soon (a
    // 503 for a request), instead of waiting out a backoff that grows to 20 s.
    const during: string[] = [];
    for (let i = 0; i < 12; i++) during.push(await settled(h.sql`SELECT 1`, wait));
    expect(during.every((o) => o.startsWith('failed'))).toBe(true);
    expect(during.some((o) => o === 'hung')).toBe(false);
    await up();
    // With the default backoff, this query waits 10–20 s before connecting (twelve failed attempts).
    expect(await settled(h.sql`SELECT 1`, wait)).toBe('answered');
  }, 120_000);
});
