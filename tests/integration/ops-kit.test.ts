/**
 * The operator's kit (ops/) against what the app really serves, so that they cannot drift: every
 * series and label that the Grafana dashboard and the Prometheus alert rules name must be in
 * /api/metrics' text, and the alert rules must fire exactly when /api/health reports a reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createLogger } from '@/server/log';
import { metrics } from '@/server/metrics';
import { renderMetrics } from '@/server/queries/metrics';
import { healthReport } from '@/server/queries/health';
import { startWorker } from '@/server/readside/worker';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { eventually } from './support/eventually';

const ops = path.resolve(__dirname, '..', '..', 'ops');
const dashboard = JSON.parse(readFileSync(path.join(ops, 'grafana', 'ledgerline.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
interface Rule {
  alert: string;
  expr: string;
  labels: { health_reason?: string };
}
const rules = (parse(readFileSync(path.join(ops, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

interface Served {
  types: Map<string, string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Parses Prometheus text: `# TYPE name kind` lines and samples `name{a="b",...} value`. */
function parseExposition(text: string): Served {
  const types = new Map<string, string>();
  const samples: Served['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample || line.startsWith('#')) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

/** The ledgerline series an expression reads, with the labels it selects or groups by. */
function references(expr: string): { series: string; labels: string[] }[] {
  const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
  return [...expr.matchAll(/\b(ledgerline_\w+)(?:\{([^}]*)\})?/g)].map((m) => ({
    series: m[1]!,
    labels: [
      ...new Set([
        ...(m[2] ?? '')
          .split(',')
          .map((s) => s.split(/[=!~]/)[0]!.trim())
          .filter(Boolean),
        ...grouped,
      ]),
    ].filter((l) => l !== 'le'),
  }));
}

/** The series a name stands for: a histogram's _bucket/_sum/_count belong to its base name. */
function baseName(series: string, served: Served): string {
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && served.types.get(base) === 'histogram' ? base : series;
}

/** Evaluates a rule of the form `series op number` on the served samples: the series that fire. */
function firing(rule: Rule, served: Served): string[] {
  const m = /^(ledgerline_\w+) (==|>|<|>=|<=) (\d+(?:\.\d+)?)$/.exec(rule.expr.trim());
  if (!m) return [];
  const [, series, op, limit] = m as unknown as [string, string, string, string];
  const test = {
    '==': (v: number) => v === Number(limit),
    '>': (v: number) => v > Number(limit),
    '<': (v: number) => v < Number(limit),
    '>=': (v: number) => v >= Number(limit),
    '<=': (v: number) => v <= Number(limit),
  }[op]!;
  return served.samples.filter((s) => s.name === series && test(s.value)).map((s) => `${rule.alert}${JSON.stringify(s.labels)}`);
}

describe('the operator kit (ops/) matches what /api/metrics serves', () => {
  let env: TestEnv;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let withoutWorker: { served: Served; reasons: string[] };
  let withWorker: { served: Served; reasons: string[] };

  beforeAll(async () => {
    env = await createTestEnv('ops_kit');
    const caller = await callerFor(env.services, 'operator');
    const { userId, position } = await caller.users.create({ email: 'ops.kit@example.com', name: 'Ops Kit' });
    const snapshot = async () => ({
      served: parseExposition((await renderMetrics(env.services, metrics())).body),
      reasons: (await healthReport(env.services)).reasons,
    });
    withoutWorker = await snapshot();
    worker = await startWorker(env.services, createLogger('test', 'silent'), { heartbeatMs: 200 });
    await eventually('health to be ok with a worker', async () => (await healthReport(env.services)).status === 'ok', {
      timeoutMs: 30_000,
    });
    await caller.users.profile({ userId, minPosition: position }); // a query, for the query and cache series
    withWorker = await snapshot();
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await env?.cleanup();
  });

  const queries = () => [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `dashboard panel "${p.title}"`, expr: t.expr }))),
    ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ];

  it('names only series that /api/metrics serves, with labels those series carry', () => {
    const served = withWorker.served;
    const named = new Set<string>();
    for (const { where, expr } of queries()) {
      for (const ref of references(expr)) {
        const base = baseName(ref.series, served);
        named.add(base);
        expect(served.types.has(base), `${where}: ${ref.series} is not served by /api/metrics`).toBe(true);
        const samples = served.samples.filter((s) => s.name === ref.series || s.name === `${ref.series}_bucket`);
        // Dead letters have no sample until there is one; every other series has some here.
        if (base === 'ledgerline_dead_letters' && samples.length === 0) continue;
        expect(samples.length, `${where}: ${ref.series} has no samples`).toBeGreaterThan(0);
        for (const label of ref.labels) {
          expect(
            samples.some((s) => label in s.labels),
            `${where}: ${ref.series} has no label "${label}"`,
          ).toBe(true);
        }
      }
    }
    // The dashboard covers what the issue lists: commands by outcome, latency, lag in events and
    // seconds, relay backlog, dead letters, queues, sagas in flight and workers alive.
    for (const series of [
      'ledgerline_commands_total',
      'ledgerline_command_duration_seconds',
      'ledgerline_projection_lag_events',
      'ledgerline_projection_lag_seconds',
      'ledgerline_relay_backlog_events',
      'ledgerline_dead_letters',
      'ledgerline_queue_jobs',
      'ledgerline_sagas_in_flight',
      'ledgerline_workers_alive',
    ]) {
      expect(named, `nothing in ops/ shows ${series}`).toContain(series);
    }
  });

  it('has one alert per reason /api/health gives for degraded, and its thresholds are the defaults', () => {
    const byReason = new Map(rules.map((r) => [r.labels.health_reason, r]));
    expect([...byReason.keys()].sort()).toEqual([
      'down',
      'no_worker',
      'projection_halted',
      'projection_lag_events',
      'projection_lag_seconds',
    ]);
    // The defaults of LAG_ALERT_EVENTS and LAG_ALERT_SECONDS (server/env.ts), unless this run overrides them.
    const lagEvents = Number(process.env.LAG_ALERT_EVENTS ?? 1000);
    const lagSeconds = Number(process.env.LAG_ALERT_SECONDS ?? 30);
    expect(env.services.env.LAG_ALERT_EVENTS).toBe(lagEvents);
    expect(env.services.env.LAG_ALERT_SECONDS).toBe(lagSeconds);
    expect(byReason.get('projection_lag_events')!.expr).toBe(`ledgerline_projection_lag_events > ${lagEvents}`);
    expect(byReason.get('projection_lag_seconds')!.expr).toBe(`ledgerline_projection_lag_seconds > ${lagSeconds}`);
  });

  it('fires the no-worker alert exactly when health reports no worker, and nothing when health is ok', () => {
    expect(
      withoutWorker.reasons.some((r) => r.startsWith('no worker has sent a heartbeat')),
      withoutWorker.reasons.join('; '),
    ).toBe(true);
    expect(rules.flatMap((r) => firing(r, withoutWorker.served))).toEqual(['LedgerlineNoWorker{}']);
    expect(withWorker.reasons).toEqual([]);
    expect(rules.flatMap((r) => firing(r, withWorker.served))).toEqual([]);
  });
});
