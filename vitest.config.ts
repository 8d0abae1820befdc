import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.dirname(fileURLToPath(import.meta.url)),
      // Tests run server modules outside React's server build, where `server-only` would throw;
      // its `react-server` export is the empty module Next itself resolves on the server.
      'server-only': path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each integration file has its own database and Redis prefix, so files run in parallel;
    // two at a time on a 2-core machine.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
