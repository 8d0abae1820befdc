import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { metrics } from '@/server/metrics';
import { startWorker } from '@/server/readside/worker';
import { renderMetrics } from '@/server/queries/metrics';
import { healthReport } from '@/server/queries/health';
import { createTestEnv, callerFor, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';

// Thresholds small enough to observe in a test; read when the harness first parses the environment.
process.env.HEARTBEAT_STALE_SECONDS = '2';
process.env.LAG_ALERT_EVENTS = '5';

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' ') || l.startsWith(series.replace(/}$/, ',')));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
};

describe('metrics', () => {
  let env: TestEnv;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    env = await createTestEnv('metrics');
    worker = await startWorker(env.services, createLogger('test', 'silent'), { heartbeatMs: 200 });
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.cleanup();
  });

  it('exposes the documented series and counts commands as they happen', async () => {
    const caller = await callerFor(env.services, 'operator');
    const first = await caller.users.create({ email: 'm1@example.com', name: 'M One' });
    await expect(caller.users.create({ email: 'M1@example.com', name: 'Dup' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await env.services.waiter.waitFor(['user_profile', 'user_search', 'analytics'], first.position, 10_000);
    await caller.users.profile({ userId: first.userId });
    await caller.users.profile({ userId: first.userId });

    const before = (await renderMetrics(env.services, metrics())).body;
    for (const name of [
      'ledgerline_commands_total',
      'ledgerline_command_duration_seconds',
      'ledgerline_query_duration_seconds',
      'ledgerline_cache_requests_total',
      'ledgerline_projection_lag_events',
      'ledgerline_projection_lag_seconds',
      'ledgerline_relay_backlog_events',
      'ledgerline_dead_letters',
      'ledgerline_queue_jobs',
      'ledgerline_sagas_in_flight',
      'ledgerline_workers_alive',
      'ledgerline_projection_events_applied_total',
    ]) {
      expect(before, name).toContain(`# TYPE ${name} `);
    }
    const ok = 'ledgerline_commands_total{type="users.create",outcome="ok"';
    const conflict = 'ledgerline_commands_total{type="users.create",outcome="CONFLICT"';
    expect(sample(before, ok)).toBe(1);
    expect(sample(before, conflict)).toBe(1);
    expect(before).toMatch(/ledgerline_cache_requests_total\{query="users.profile",result="hit"[^}]*\} 1/);

    await caller.users.create({ email: 'm2@example.com', name: 'M Two' });
    const after = (await renderMetrics(env.services, metrics())).body;
    expect(sample(after, ok)).toBe(2);
    expect(sample(after, 'ledgerline_projection_lag_events{projection="user_profile"')).toBeGreaterThanOrEqual(0);
  });
});

describe('health', () => {
  let env: TestEnv;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    env = await createTestEnv('health');
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await env?.cleanup();
  });

  it('turns degraded within the heartbeat threshold when the worker dies, and when projections lag', async () => {
    // One real process (not npx → tsx → node), so SIGKILL kills the worker itself.
    child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: { ...process.env, DATABASE_URL: env.url, READ_DATABASE_URL: env.url, REDIS_PREFIX: env.prefix, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    await eventually('the worker to report in', async () => (await healthReport(env.services)).status === 'ok', { timeoutMs: 30_000 });

    child.kill('SIGKILL'); // no clean shutdown: its heartbeat row stays and goes stale
    const killedAt = Date.now();
    await eventually('health to turn degraded', async () => (await healthReport(env.services)).status === 'degraded', {
      timeoutMs: 10_000,
    });
    const report = await healthReport(env.services);
    expect(report.ok).toBe(true); // the web tier still reaches Postgres and Redis
    expect(report.reasons.join(' ')).toMatch(/no worker has sent a heartbeat/);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    const caller = await callerFor(env.services, 'operator');
    for (let i = 0; i < 6; i++) await caller.users.create({ email: `lag${i}@example.com`, name: `Lag ${i}` });
    const lagging = await healthReport(env.services);
    expect(lagging.reasons.join(' ')).toMatch(/projection user_profile is \d+ events behind/);
  });
});
