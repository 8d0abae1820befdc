import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';

/**
 * E2E against a production build (`npm run build` first; scripts/test.sh does) served by
 * tests/e2e/serve.ts on port 3100, with its own database and Redis prefix and one worker.
 * The names are chosen once here and inherited by Playwright's worker processes, so a spec can
 * reach the same database: process.env.LL_E2E_DATABASE_URL, LL_E2E_ADMIN_EMAIL, LL_E2E_ADMIN_PASSWORD.
 */
const port = Number(process.env.LL_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const id = randomBytes(4).toString('hex');
process.env.LL_E2E_DB ??= `ll_e2e_${id}`;
process.env.LL_E2E_PREFIX ??= `lle2e:${id}`;
process.env.LL_E2E_ADMIN_EMAIL ??= 'admin@e2e.test';
process.env.LL_E2E_ADMIN_PASSWORD ??= 'e2e-password-123';
process.env.LL_E2E_SESSION_SECRET ??= `e2e-session-secret-${id}`;
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline');
base.pathname = `/${process.env.LL_E2E_DB}`;
process.env.LL_E2E_DATABASE_URL ??= base.toString();

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'npx tsx tests/e2e/serve.ts',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      PORT: String(port),
      LL_E2E_DB: process.env.LL_E2E_DB,
      LL_E2E_PREFIX: process.env.LL_E2E_PREFIX,
      LL_E2E_DATABASE_URL: process.env.LL_E2E_DATABASE_URL,
      LL_E2E_SESSION_SECRET: process.env.LL_E2E_SESSION_SECRET,
      ADMIN_EMAIL: process.env.LL_E2E_ADMIN_EMAIL,
      ADMIN_PASSWORD: process.env.LL_E2E_ADMIN_PASSWORD,
    },
  },
});
