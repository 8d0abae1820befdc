/**
 * `npm start`: checks the environment (production: SESSION_SECRET is required unless
 * LEDGERLINE_ALLOW_DEV_SECRET=1 says otherwise), applies migrations, creates the first admin when
 * there is no staff yet, then serves on PORT (HOST, when set) through the front server
 * (server/http/front.ts: trusted client address, access log): the API on node:http
 * (server/http/api-routes.ts: /api/trpc, /api/health, /api/metrics), every other path through
 * Next's request handler, in this process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env as loadEnv, type Env } from '@/server/env';
import { connect } from '@/db/client';
import { migrateAll } from '@/db/migrate';
import { ensureFirstAdmin } from '@/server/auth/first-admin';
import { accessLogger, createFrontServer } from '@/server/http/front';
import { apiRoutes } from '@/server/http/api-routes';
import { services } from '@/server/services';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseEnv(): Env {
  try {
    return loadEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

async function prepare(e: Env) {
  await migrateAll([e.DATABASE_URL, e.READ_DATABASE_URL]);
  const handle = connect(e.DATABASE_URL, { max: 1, appName: 'ledgerline-start' });
  try {
    await ensureFirstAdmin(handle.db, e);
  } finally {
    await handle.close();
  }
}

async function main() {
  // Next serves the build in production mode; env.ts then demands a real SESSION_SECRET.
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const e = parseEnv();
  if (!process.env.SESSION_SECRET) {
    console.warn(
      'SESSION_SECRET is not set, and LEDGERLINE_ALLOW_DEV_SECRET=1 allows the development secret: do not run this in production.',
    );
  }
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.error('No production build found: run `npm run build` first.');
    process.exit(1);
  }
  await prepare(e);
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: root, port: e.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The API on node:http (server/http/api-routes.ts); every other path through Next.
  const routes = apiRoutes(services, (req, res) => handle(req, res));
  const server = createFrontServer({ trust: e.TRUSTED_PROXIES, handle: routes, log: accessLogger() });
  const host = process.env.HOST || undefined;
  server.listen(e.PORT, host, () => console.log(`Ledgerline web tier on http://${host ?? 'localhost'}:${e.PORT}`));
  const stop = () => {
    server.close(() => {
      void services()
        .close()
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
