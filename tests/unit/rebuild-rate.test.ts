import { describe, expect, it } from 'vitest';
import { rebuildRate } from '@/lib/client/rebuild-rate';

const start = '2026-01-01T00:00:00.000Z';
const at = (s: number) => Date.parse(start) + s * 1000;

describe("a rebuild's rate and time left", () => {
  it('divides what is processed by the time since the start, and the rest by that rate', () => {
    expect(rebuildRate({ state: 'running', processed: 3000, total: 12_000, startedAt: start }, at(10))).toEqual({
      perSecond: 300,
      etaSeconds: 30,
    });
  });
  it('uses the finish time once done, and has no time left', () => {
    expect(
      rebuildRate({ state: 'done', processed: 5000, total: 5000, startedAt: start, finishedAt: new Date(at(4)).toISOString() }, at(100)),
    ).toEqual({ perSecond: 1250, etaSeconds: null });
  });
  it('says nothing before the first batch, or with a clock behind the start', () => {
    expect(rebuildRate({ state: 'running', processed: 0, total: 10, startedAt: start }, at(5))).toEqual({
      perSecond: null,
      etaSeconds: null,
    });
    expect(rebuildRate({ state: 'running', processed: 10, total: 20, startedAt: start }, at(-1))).toEqual({
      perSecond: null,
      etaSeconds: null,
    });
  });
});
