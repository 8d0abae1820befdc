/**
 * A Postgres cluster and a Redis of one test's own, on spare ports in a temporary directory, so that
 * a fault test can stop and restart them without touching the shared services (5432, 6379).
 * Postgres refuses to run as root: the cluster belongs to the `postgres` OS user.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './server';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Whether this machine can run them: Postgres 15's binaries, redis-server, and root (to act as `postgres`). */
export const canRunOwnServices = () =>
  existsSync(path.join(PG_BIN, 'pg_ctl')) && existsSync('/usr/bin/redis-server') && process.getuid?.() === 0;

export interface OwnPostgres {
  port: number;
  /** A connection URL to one database of this cluster. */
  url(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

const asPostgres = (cmd: string, args: string[]) =>
  run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, cmd), ...args], { timeout: 60_000 });

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'll-fault-pg-'));
  const { uid, gid } = await idsOf('postgres');
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', options, 'start']).then(() => undefined);
  // Fast shutdown: sessions are terminated (57P01), as in a restart by an operator or a supervisor.
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']).then(() => undefined);
  await start();
  let destroyed: Promise<void> | undefined;
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    destroy: () =>
      (destroyed ??= (async () => {
        await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined); // already stopped
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export interface OwnRedis {
  port: number;
  url: string;
  /** Kills the server (no persistence: it comes back empty). */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'll-fault-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const onExit = () => child?.kill('SIGKILL');
  const start = async () => {
    child = spawn(
      '/usr/bin/redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    const c = child;
    exited = new Promise((resolve) => c.on('exit', () => resolve()));
    process.on('exit', onExit);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    probe.on('error', () => {});
    try {
      for (;;) {
        if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode}`);
        if (
          await probe.ping().then(
            () => true,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    process.off('exit', onExit);
    child?.kill('SIGKILL');
    await exited;
    child = null;
  };
  await start();
  return {
    port,
    url,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
