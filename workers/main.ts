import { createServices } from '@/server/services';
import { createLogger } from '@/server/log';
import { env } from '@/server/env';
import { migrateAll } from '@/db/migrate';
import { startWorker } from '@/server/readside/worker';
import { sagaWorkerOptions } from '@/server/saga/worker-options';
import { initTracing } from '@/server/tracing';

/** `npm run worker`: one worker process. Run as many as you like, on any machine. */
async function main() {
  const e = env();
  const log = createLogger('worker', e.LOG_LEVEL);
  initTracing('ledgerline-worker', { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT });
  await migrateAll([e.DATABASE_URL, e.READ_DATABASE_URL]);
  // No job needs two connections at once (a consumer reads the log in its own transaction), so the
  // pool only bounds how many run together.
  const services = createServices({ appName: 'ledgerline-worker', poolMax: e.DB_POOL_MAX });
  const worker = await startWorker(services, log, sagaWorkerOptions(e));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping');
    await worker.stop();
    await services.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
