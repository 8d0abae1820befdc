import { services } from '@/server/services';
import { healthReport } from '@/server/queries/health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET() {
  const report = await healthReport(services());
  return Response.json(report, { status: report.db && report.redis ? 200 : 503 });
}
