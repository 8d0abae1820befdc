import { describe, expect, it } from 'vitest';
import { toCsv } from '@/lib/client/csv';

describe('CSV export (finding 10: formula injection)', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1+1', '\r=1+1'])('neutralises a cell starting %j', (cell) => {
    const line = toCsv(['x'], [[cell]]).split('\r\n')[1]!;
    // The cell (unquoted or quoted) starts with the apostrophe that stops spreadsheets running it.
    expect(line.replace(/^"/, '')).toMatch(/^'/);
  });

  it('keeps numbers, including negative ones, as numbers', () => {
    expect(toCsv(['n'], [[-5], [3]])).toBe('n\r\n-5\r\n3\r\n');
  });
});
