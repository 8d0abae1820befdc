import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, serverEnv, tokenFor, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';
import { hasBuild, root, startServer, startWorker, type Proc, type Server } from './support/server';

const run = promisify(execFile);
const example = path.join(root, 'examples', 'order-report');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const dist = path.join(root, 'dist', 'client');

const built = hasBuild();
if (!built) console.warn('client-example: the live run is SKIPPED: no production build (.next/BUILD_ID); run `npm run build` first.');

const failure = (what: string) => (err: { stdout?: string; stderr?: string; message: string }) => {
  throw new Error(`${what} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
};

/** Newest modification time of the files the client package is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The example as an app in another repository: a temporary folder outside this one, where
 * `npm install` gets @ledgerline/client from the tarball that `npm pack dist/client` made.
 */
async function installExampleOutsideRepo(): Promise<string> {
  const sources = Math.max(...['client', 'server', 'db'].map((d) => newestSource(path.join(root, d))));
  if (!existsSync(path.join(dist, 'index.d.ts')) || statSync(path.join(dist, 'index.d.ts')).mtimeMs < sources) {
    await run('npm', ['run', '-s', 'build:client'], { cwd: root }).catch(failure('npm run build:client'));
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'll-client-app-'));
  const { stdout: packed } = await run('npm', ['pack', '--pack-destination', dir], { cwd: dist }).catch(failure('npm pack'));
  const tarball = path.join(dir, packed.trim().split('\n').pop()!);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'order-report-outside', private: true, type: 'module' }));
  // --prefer-offline: the client's dependencies (@trpc/*, superjson, zod) are in npm's cache after `npm ci`.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, '@types/node@20'], { cwd: dir }).catch(
    failure('npm install'),
  );
  cpSync(path.join(example, 'src'), path.join(dir, 'src'), { recursive: true });
  copyFileSync(path.join(example, 'tsconfig.app.json'), path.join(dir, 'tsconfig.json'));
  return dir;
}

describe('the order-report example app (a separate TS app using @ledgerline/client)', () => {
  it('type-checks against the server router type', async () => {
    await expect(run(bin('tsc'), ['-p', example, '--noEmit'], { cwd: root })).resolves.toBeDefined();
  }, 300_000);

  describe('installed from the packed dist/client in a folder outside this repository', () => {
    let app: string;

    beforeAll(async () => {
      app = await installExampleOutsideRepo();
    }, 600_000);

    afterAll(() => {
      if (app) rmSync(app, { recursive: true, force: true });
    });

    it('contains no server code, only the client and its declared dependencies', async () => {
      const installed = path.join(app, 'node_modules', '@ledgerline', 'client');
      expect(readdirSync(installed).sort()).toEqual(['README.md', 'index.d.ts', 'index.js', 'package.json']);
      const { stdout } = await run('npm', ['ls', '--all', '--parseable'], { cwd: app });
      for (const serverPackage of ['drizzle-orm', 'postgres', 'bullmq', 'ioredis', 'next']) {
        expect(stdout).not.toMatch(new RegExp(`node_modules/${serverPackage}$`, 'm'));
      }
    });

    it('type-checks and compiles with the types the package carries', async () => {
      await run(bin('tsc'), ['-p', app], { cwd: app }).catch(failure('tsc in the outside app'));
      expect(existsSync(path.join(app, 'out', 'main.js'))).toBe(true);
    }, 300_000);

    it('fails to type-check a call to a procedure the router does not have, or with wrong input or output types', async () => {
      writeFileSync(
        path.join(app, 'src', 'renamed.ts'),
        [
          "import { createLedgerlineClient } from '@ledgerline/client';",
          "const ll = createLedgerlineClient({ url: 'http://localhost:3000', token: 'llt_x' });",
          "await ll.orders.fetchOne.query({ orderId: '00000000-0000-0000-0000-000000000000' });",
          'await ll.orders.get.query({ orderId: 42 });',
          "const order = await ll.orders.get.query({ orderId: '00000000-0000-0000-0000-000000000000' });",
          'export const total: string = order.data!.totalCents;',
          '',
        ].join('\n'),
      );
      try {
        const result = await run(bin('tsc'), ['-p', app, '--noEmit'], { cwd: app }).then(
          () => undefined,
          (err: { stdout?: string }) => err.stdout ?? '',
        );
        expect(result, 'tsc accepted calls that do not match the router').toBeDefined();
        expect(result).toMatch(/renamed\.ts\(3,\d+\): error TS2339: Property 'fetchOne' does not exist/);
        expect(result).toMatch(/renamed\.ts\(4,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
        expect(result).toMatch(/renamed\.ts\(6,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
      } finally {
        rmSync(path.join(app, 'src', 'renamed.ts'), { force: true });
      }
    }, 300_000);

    describe.skipIf(!built)('against a live server and worker', () => {
      let t: TestEnv;
      let server: Server | undefined;
      let worker: Proc | undefined;

      beforeAll(async () => {
        t = await createTestEnv('client_example');
        server = await startServer(serverEnv(t));
        worker = startWorker(serverEnv(t));
        // The example waits up to 10 s for its own write: let the worker report in first (its
        // start takes long on a busy machine).
        // (Anonymous /api/health no longer says how many workers there are: ask as a token.)
        const auth = { authorization: `Bearer ${await tokenFor(t.services, 'analyst', 'health-probe')}` };
        const workers = async () =>
          ((await (await fetch(`${server!.url}/api/health`, { headers: auth })).json()) as { workers?: number }).workers;
        await eventually('the worker to report in', async () => ((await workers()) ?? 0) >= 1, { timeoutMs: 120_000, everyMs: 250 }).catch(
          (err: Error) => {
            throw new Error(`${err.message}:\n${worker!.output()}`);
          },
        );
      }, 180_000);

      afterAll(async () => {
        await worker?.stop();
        await server?.stop();
        await t?.cleanup();
      });

      it('creates a user and a product, places an order and reads it back at its position', async () => {
        if (!existsSync(path.join(app, 'out', 'main.js')))
          await run(bin('tsc'), ['-p', app], { cwd: app }).catch(failure('tsc in the outside app'));
        const token = await tokenFor(t.services, 'operator', 'order-report');
        const { stdout } = await run(process.execPath, ['out/main.js'], {
          cwd: app,
          env: { ...process.env, LEDGERLINE_URL: server!.url, LEDGERLINE_TOKEN: token },
        }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
          throw new Error(
            `example failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}\nworker:\n${worker?.output()}\nserver:\n${server?.output()}`,
          );
        });
        const orderId = /^order\s+(\S+)/m.exec(stdout)?.[1];
        const marker = stdout.indexOf('orders.get ->');
        expect(orderId, stdout).toBeDefined();
        expect(marker, stdout).toBeGreaterThan(-1);
        const answer = JSON.parse(stdout.slice(marker + 'orders.get ->'.length));
        expect(answer.freshness.stale, `the read model did not reach the order's position\n${stdout}\nworker:\n${worker?.output()}`).toBe(
          false,
        );
        expect(answer.data).toMatchObject({ orderId, totalCents: 2 * 2599 });
        expect(answer.data.lines).toEqual([expect.objectContaining({ quantity: 2, unitPriceCents: 2599 })]);
        expect(['pending', 'paid', 'completed']).toContain(answer.data.status);
      }, 300_000);

      it('is refused without a valid token', async () => {
        const res = await fetch(`${server!.url}/api/trpc/orders.list`, { headers: { authorization: 'Bearer llt_not_a_token' } });
        expect(res.status).toBe(401);
      });
    });
  });
});
