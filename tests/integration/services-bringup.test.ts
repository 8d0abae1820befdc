/**
 * scripts/services.sh, the bring-up used by `npm run setup` and `npm test`, against a Postgres and
 * a Redis of this test's own on spare ports (never the shared 5432/6379). The system package
 * install is replaced by a stub (LL_INSTALL_CMD) that only "installs" redis-server by linking the
 * real binary where the script looks for it, and Docker by a stub that records its arguments.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'services.sh');
const canRun = existsSync('/usr/bin/pg_createcluster') && existsSync('/usr/bin/redis-server') && process.getuid?.() === 0;
if (!canRun) console.warn('services-bringup: SKIPPED: needs root, postgresql-common and redis-server');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net
      .createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      })
      .on('error', reject);
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });
}

interface Run {
  code: number;
  out: string;
}
function bringUp(env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PGDATA' && !k.startsWith('LL_'))) as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(
      'bash',
      [script],
      { cwd: root, env: { ...base, LL_WAIT_SECONDS: '20', ...env } as NodeJS.ProcessEnv },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe.skipIf(!canRun)('bringing up Postgres and Redis (scripts/services.sh)', () => {
  let dir: string;
  let pgPort: number;
  let redisPort: number;
  const startedRedis: number[] = [];
  let pgEnv: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'll-services-'));
    chmodSync(dir, 0o755); // the postgres user must reach its data directory
    mkdirSync(path.join(dir, 'conf'));
    pgPort = await freePort();
    redisPort = await freePort();
    pgEnv = { PG_CLUSTER_CONF_ROOT: path.join(dir, 'conf') };
    // An installed but stopped Postgres: a Debian cluster on a spare port, registered only in
    // this test's own configuration root.
    execFileSync('pg_createcluster', ['15', 'lltest', '-p', String(pgPort), '-d', path.join(dir, 'data'), '-l', path.join(dir, 'pg.log')], {
      env: { ...process.env, ...pgEnv },
      stdio: 'ignore',
    });
    writeFileSync(path.join(dir, 'debian'), 'PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n');
    writeFileSync(path.join(dir, 'alpine'), 'ID=alpine\n');
    // The install stub records what it was asked for and makes redis-server appear where the
    // script looks for it, as apt-get would.
    writeFileSync(
      path.join(dir, 'install'),
      `#!/bin/sh\necho "$@" >> "${dir}/installed"\nln -sf /usr/bin/redis-server "${dir}/redis-server"\n`,
    );
    chmodSync(path.join(dir, 'install'), 0o755);
  }, 60_000);

  afterAll(() => {
    for (const port of startedRedis) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
    try {
      execFileSync('pg_ctlcluster', ['15', 'lltest', 'stop'], { env: { ...process.env, ...pgEnv }, stdio: 'ignore' });
    } catch {
      /* not running */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const installed = () => (existsSync(path.join(dir, 'installed')) ? readFileSync(path.join(dir, 'installed'), 'utf8') : '');

  it('starts the stopped Postgres, installs the absent Redis on Debian as root, and both answer', async () => {
    expect(await answers(pgPort)).toBe(false);
    expect(await answers(redisPort)).toBe(false);
    startedRedis.push(redisPort);
    const run = await bringUp({
      ...pgEnv,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ledgerline`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      LL_REDIS_SERVER: path.join(dir, 'redis-server'), // absent until the stub "installs" it
      LL_DOCKER: path.join(dir, 'no-docker'),
      LL_INSTALL_CMD: path.join(dir, 'install'),
      LL_OS_RELEASE: path.join(dir, 'debian'),
      LL_SERVICES_ENV: path.join(dir, 'services.env'),
    });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`starting the installed cluster 15/lltest on port ${pgPort}`);
    expect(run.out).toContain('Docker: no engine answers');
    expect(run.out).toContain('Installing redis-server');
    expect(installed().trim()).toBe('redis-server'); // Postgres was started, not installed
    expect(await answers(pgPort)).toBe(true);
    expect(await answers(redisPort)).toBe(true);
  });

  it('leaves services that already answer untouched', async () => {
    const pidBefore = readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8');
    const installsBefore = installed();
    const run = await bringUp({
      ...pgEnv,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ledgerline`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      LL_REDIS_SERVER: path.join(dir, 'redis-server'),
      LL_DOCKER: path.join(dir, 'no-docker'),
      LL_INSTALL_CMD: path.join(dir, 'install'),
      LL_OS_RELEASE: path.join(dir, 'debian'),
    });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`Postgres answers on 127.0.0.1:${pgPort}: leaving it as it is`);
    expect(run.out).toContain(`Redis answers on 127.0.0.1:${redisPort}: leaving it as it is`);
    expect(run.out).not.toMatch(/starting|Installing|Docker/);
    expect(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8')).toBe(pidBefore);
    expect(installed()).toBe(installsBefore);
  });

  it('uses docker compose for what is missing when a Docker engine answers', async () => {
    const port = await freePort();
    startedRedis.push(port);
    // A docker stand-in whose engine answers; `compose up` starts a real Redis on the published port.
    writeFileSync(
      path.join(dir, 'docker'),
      `#!/bin/bash\necho "$@" >> "${dir}/docker.log"\n[ "$1" = info ] && exit 0\n` +
        `[ "$1" = compose ] && exec /usr/bin/redis-server --daemonize yes --port "$LL_REDIS_PORT" --save "" --appendonly no\nexit 1\n`,
    );
    chmodSync(path.join(dir, 'docker'), 0o755);
    const run = await bringUp({
      ...pgEnv,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ledgerline`,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      LL_REDIS_SERVER: path.join(dir, 'not-installed'),
      LL_DOCKER: path.join(dir, 'docker'),
      LL_INSTALL_CMD: path.join(dir, 'install'),
      LL_OS_RELEASE: path.join(dir, 'debian'),
    });
    expect(run.code, run.out).toBe(0);
    const calls = readFileSync(path.join(dir, 'docker.log'), 'utf8').trim().split('\n');
    expect(calls).toEqual(['info', 'compose -f docker-compose.yml -f docker-compose.services.yml up -d redis']);
    expect(await answers(port)).toBe(true);
    expect(installed().trim()).toBe('redis-server'); // nothing more was installed
  });

  it('prints exactly what to install, and fails, when it can neither start, run nor install them', async () => {
    const [pg, redis] = [await freePort(), await freePort()];
    const run = await bringUp({
      PG_CLUSTER_CONF_ROOT: path.join(dir, 'no-clusters'),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pg}/ledgerline`,
      REDIS_URL: `redis://127.0.0.1:${redis}`,
      LL_REDIS_SERVER: path.join(dir, 'not-installed'),
      LL_DOCKER: path.join(dir, 'no-docker'),
      LL_INSTALL_CMD: path.join(dir, 'install'),
      LL_OS_RELEASE: path.join(dir, 'alpine'),
    });
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('Not Debian or Ubuntu as root');
    expect(run.out).toContain(`PostgreSQL 15 or newer, listening on 127.0.0.1:${pg}`);
    expect(run.out).toContain(`Redis 7, listening on 127.0.0.1:${redis}`);
    expect(run.out).toContain('apt-get install postgresql');
    expect(run.out).toContain('apt-get install redis-server');
    expect(installed().trim()).toBe('redis-server');
    expect(await answers(pg)).toBe(false);
  });
});
