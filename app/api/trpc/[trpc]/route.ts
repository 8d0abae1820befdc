import { services } from '@/server/services';
import { handleTrpc } from '@/server/http/trpc-handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handler = (req: Request) => handleTrpc(services(), req);

export { handler as GET, handler as POST };
