/**
 * `npm start` entry. Modules that pages reach carry `import 'server-only'`, which throws unless a
 * bundler resolves it with the react-server condition. This process is a plain Node server that
 * serves the API itself and hands pages to Next, so it registers `server-only` as the empty module
 * it is on the server, then loads the server (scripts/serve-web.ts). A client bundle that reaches
 * one of those modules still fails at build time: that check is Next's, and it is unchanged.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const id = require.resolve('server-only');
require.cache[id] = { id, filename: id, loaded: true, exports: {} } as NodeJS.Module;

await import('./serve-web');
