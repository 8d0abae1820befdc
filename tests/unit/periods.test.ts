import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDays, daysOf, previousPeriod, todayUtc } from '@/server/queries/analytics/periods';

afterEach(() => {
  vi.useRealTimers();
});

describe('todayUtc', () => {
  it('is the UTC day of the clock, and turns at UTC midnight', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-09T23:59:59.999Z'));
    expect(todayUtc()).toBe('2026-03-09');
    vi.setSystemTime(new Date('2026-03-10T00:00:00.000Z'));
    expect(todayUtc()).toBe('2026-03-10');
    vi.setSystemTime(new Date('2026-03-10T23:00:00.000Z'));
    expect(todayUtc()).toBe('2026-03-10');
  });

  it('follows a clock set back, and one set forward by days', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-20T12:00:00Z'));
    expect(todayUtc()).toBe('2026-05-20');
    vi.setSystemTime(new Date('2026-05-19T23:59:00Z'));
    expect(todayUtc()).toBe('2026-05-19');
    vi.setSystemTime(new Date('2027-01-02T00:30:00Z'));
    expect(todayUtc()).toBe('2027-01-02');
  });
});

describe('periods', () => {
  it('the previous period has the same length and ends the day before', () => {
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(daysOf({ from: '2026-02-27', to: '2026-03-01' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
