import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { services } from '@/server/services';
import { SESSION_COOKIE_NAMES } from '@/server/auth/store';
import { checkBoardWrite } from '@/server/http/origin';
import { BOARD_CSP, applySecurityHeaders, requestIsHttps } from '@/server/http/security-headers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const BASE = '/admin/queues';
type BoardOptions = Parameters<typeof createBullBoard>[0];

/** The BullMQ board (bull-board on Hono), for admins only. Built once per process. */
function buildBoard(): Hono {
  const s = services();
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BASE);
  createBullBoard({
    queues: Object.values(s.queues().byName).map((q) => new BullMQAdapter(q)),
    // @bull-board/hono 9.10.1 carries its own @bull-board/api 9.10.1 next to our 9.10.2: the same
    // interface, declared twice, so TypeScript needs telling. Aligning the versions removes the cast.
    serverAdapter: serverAdapter as unknown as BoardOptions['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Ledgerline queues' } },
  });

  const app = new Hono();
  // Security headers on every board answer, whatever it is (finding 4).
  app.use('*', async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers, { https: requestIsHttps(c.req.raw.headers, c.req.url), csp: BOARD_CSP });
  });
  // Cookie-authenticated writes must come from this site, with a JSON body or none (finding 7).
  app.use('*', async (c, next) => {
    const verdict = checkBoardWrite(c.req.method, c.req.raw.headers, SESSION_COOKIE_NAMES);
    if (!verdict.ok) return c.json({ error: verdict.message }, 403);
    await next();
  });
  // Auth runs before every board route, its API and its static files.
  app.use('*', async (c, next) => {
    const principal = await s.principals.authenticate(c.req.raw.headers);
    const isApi = c.req.path.startsWith(`${BASE}/api/`);
    if (!principal) {
      return isApi
        ? c.json({ error: 'Sign in or send a valid API token' }, 401)
        : c.redirect(`/sign-in?next=${encodeURIComponent(BASE)}`, 302);
    }
    if (principal.role !== 'admin') {
      return isApi
        ? c.json({ error: `The queue board is for admins; you are ${principal.role}` }, 403)
        : c.text(`Forbidden: the queue board is for admins; you are ${principal.role}.`, 403);
    }
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.route(BASE, serverAdapter.registerPlugin());
  return app;
}

const key = Symbol.for('ledgerline.queueBoard');
function board(): Hono {
  const g = globalThis as unknown as Record<symbol, Hono | undefined>;
  g[key] ??= buildBoard();
  return g[key];
}

const handler = (req: Request) => board().fetch(req);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
