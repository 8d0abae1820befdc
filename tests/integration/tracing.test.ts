import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { initTracing } from '@/server/tracing';
import { createLogger } from '@/server/log';
import { startWorker } from '@/server/readside/worker';
import { userProfile } from '@/server/queries/users';

import { createTestEnv, callerFor } from './support/harness';

const exporter = new InMemorySpanExporter();

describe('tracing', () => {
  let env: Awaited<ReturnType<typeof createTestEnv>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    initTracing('ledgerline-test', { exporter });
    env = await createTestEnv('tracing');
    worker = await startWorker(env.services, createLogger('test', 'silent'), { heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.cleanup();
  });

  it('follows one request from the tRPC call through the command, the relay and every projection in one trace', async () => {
    const caller = await callerFor(env.services, 'operator');
    const { userId, position } = await caller.users.create({ email: 'trace@example.com', name: 'Tracy' });
    const answer = await userProfile(env.services, { userId, minPosition: position });
    expect(answer.freshness.stale).toBe(false);
    const all = await env.services.waiter.waitFor(['user_search', 'analytics'], position, 10_000);
    expect(all.freshness.stale).toBe(false);

    const spans = exporter.getFinishedSpans();
    const rpc = spans.find((s) => s.name === 'trpc users.create');
    expect(rpc).toBeDefined();
    const traceId = rpc!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(inTrace).toContain('command users.create');
    expect(inTrace).toContain('relay UserCreated');
    expect(inTrace).toContain('project user_profile');
    expect(inTrace).toContain('project user_search');
    expect(inTrace).toContain('project analytics');

    const [event] = await env.services.write.sql<
      { metadata: { traceparent?: string } }[]
    >`SELECT metadata FROM events WHERE position = ${position}`;
    expect(event!.metadata.traceparent).toContain(traceId);
  });
});
