import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, serverEnv, tokenFor, type TestEnv } from './support/harness';
import { hasBuild, root, startServer, startWorker, type Proc, type Server } from './support/server';

const run = promisify(execFile);
const example = path.join(root, 'examples', 'order-report');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

const built = hasBuild();
if (!built) console.warn('client-example: the live run is SKIPPED: no production build (.next/BUILD_ID); run `npm run build` first.');

describe('the order-report example app (a separate TS app using ledgerline/client)', () => {
  it('type-checks against the server router type', async () => {
    await expect(run(bin('tsc'), ['-p', example, '--noEmit'], { cwd: root })).resolves.toBeDefined();
  });

  describe.skipIf(!built)('against a live server and worker', () => {
    let t: TestEnv;
    let server: Server | undefined;
    let worker: Proc | undefined;

    beforeAll(async () => {
      t = await createTestEnv('client_example');
      server = await startServer(serverEnv(t));
      worker = startWorker(serverEnv(t));
    });

    afterAll(async () => {
      await worker?.stop();
      await server?.stop();
      await t?.cleanup();
    });

    it('creates a user and a product, places an order and reads it back at its position', async () => {
      const token = await tokenFor(t.services, 'operator', 'order-report');
      const { stdout } = await run(bin('tsx'), ['src/main.ts'], {
        cwd: example,
        env: { ...process.env, LEDGERLINE_URL: server!.url, LEDGERLINE_TOKEN: token },
      }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`example failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}\nworker:\n${worker?.output()}\nserver:\n${server?.output()}`);
      });
      const orderId = /^order\s+(\S+)/m.exec(stdout)?.[1];
      const marker = stdout.indexOf('orders.get ->');
      expect(orderId, stdout).toBeDefined();
      expect(marker, stdout).toBeGreaterThan(-1);
      const answer = JSON.parse(stdout.slice(marker + 'orders.get ->'.length));
      expect(answer.freshness.stale, `the read model did not reach the order's position\n${stdout}\nworker:\n${worker?.output()}`).toBe(false);
      expect(answer.data).toMatchObject({ orderId, totalCents: 2 * 2599 });
      expect(answer.data.lines).toEqual([expect.objectContaining({ quantity: 2, unitPriceCents: 2599 })]);
      expect(['pending', 'paid', 'completed']).toContain(answer.data.status);
    });

    it('is refused without a valid token', async () => {
      const res = await fetch(`${server!.url}/api/trpc/orders.list`, { headers: { authorization: 'Bearer llt_not_a_token' } });
      expect(res.status).toBe(401);
    });
  });
});
