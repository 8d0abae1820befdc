import { describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { analyticsTargets, queryUrl } from '@/bench/lib/analytics-targets';

type Proc = { _def: { type: string; inputs: { parse: (v: unknown) => unknown }[] } };
const procedures = appRouter._def.procedures as unknown as Record<string, Proc | undefined>;

describe('the analytics queries bench/http.ts measures', () => {
  const targets = analyticsTargets({ productId: '00000000-0000-4000-8000-000000000001', now: Date.parse('2026-03-31T12:00:00Z') });

  it('are queries the API serves, and their inputs pass its validation', () => {
    for (const t of targets) {
      const p = procedures[t.path];
      expect(p?._def.type, t.path).toBe('query');
      for (const parser of p!._def.inputs) expect(() => parser.parse(t.input), t.path).not.toThrow();
    }
  });

  it("cover every analytics view, each over the dashboard's 30 days", () => {
    const analytics = Object.keys(procedures)
      .filter((k) => k.startsWith('analytics.'))
      .sort();
    expect(
      targets
        .map((t) => t.path)
        .filter((p) => p.startsWith('analytics.'))
        .sort(),
    ).toEqual(analytics);
    expect(targets.find((t) => t.path === 'analytics.funnel')!.input).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect(queryUrl('http://h', targets[0]!)).toBe(
      `http://h/api/trpc/analytics.kpis?input=${encodeURIComponent('{"json":{"from":"2026-03-02","to":"2026-03-31"}}')}`,
    );
  });
});
