import { describe, expect, it } from 'vitest';
import { isoTime } from '@/server/readside/log';

describe("an event's time as ISO-8601 UTC", () => {
  it('gives what new Date(t).toISOString() gives for every form Postgres prints a timestamptz in', () => {
    const printed = [
      '2026-01-02 03:04:05+00',
      '2026-01-02 03:04:05.5+00',
      '2026-01-02 03:04:05.12+00',
      '2026-01-02 03:04:05.123+00',
      '2026-01-02 03:04:05.1239+00',
      '2026-12-31 23:59:59.999999+00',
      '1999-02-28 00:00:00.000001+00',
      // Not UTC, or a year the fast path leaves alone: the Date path.
      '2026-01-02 03:04:05.123+05:30',
      '2026-01-02 03:04:05-08',
      '0999-01-01 00:00:00+00',
    ];
    for (const t of printed) expect(isoTime(t), t).toBe(new Date(t).toISOString());
    expect(isoTime('2026-01-02 03:04:05.1239+00')).toBe('2026-01-02T03:04:05.123Z');
  });
  it('takes a Date too', () => {
    const d = new Date('2026-05-06T07:08:09.010Z');
    expect(isoTime(d)).toBe('2026-05-06T07:08:09.010Z');
  });
});
