import { services } from '@/server/services';
import { metricsResponse } from '@/server/http/endpoints';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Served here under `npm run dev`; `npm start` answers it on node:http (server/http/api-routes.ts) with the same code. */
export function GET(req: Request) {
  return metricsResponse(services(), req);
}
