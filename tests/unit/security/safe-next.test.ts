import { describe, expect, it } from 'vitest';
import { safeNext } from '@/lib/server/safe-next';

describe('safeNext (finding 1: open redirect after sign-in)', () => {
  it.each([
    ['/\t/evil.example', 'a tab that browsers strip, leaving //evil.example'],
    ['/\n/evil.example', 'a newline'],
    ['/\r/evil.example', 'a carriage return'],
    ['/%09/evil.example', 'a tab still percent-encoded'],
    ['//evil.example', 'a protocol-relative URL'],
    ['/\\evil.example', 'a backslash that browsers read as a slash'],
    ['/a\\b', 'a backslash anywhere'],
    ['https://evil.example/', 'an absolute URL'],
    ['javascript:alert(1)', 'a script URL'],
    ['/\u0000x', 'a NUL'],
    ['', 'nothing'],
  ])('refuses %j (%s) and sends home', (value) => {
    expect(safeNext(value)).toBe('/');
  });

  it('keeps a path and its query on this site', () => {
    expect(safeNext('/orders?status=pending&x=1')).toBe('/orders?status=pending&x=1');
    expect(safeNext('/users/123')).toBe('/users/123');
  });

  it('drops a fragment and never goes back to sign-in or the API', () => {
    expect(safeNext('/orders#top')).toBe('/orders');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
    expect(safeNext('/api/trpc/x')).toBe('/');
  });

  it('whatever it returns resolves to this origin', () => {
    for (const v of ['/\t/evil.example', '/.//evil.example', '/%2F%2Fevil.example', '/..//evil.example']) {
      const out = safeNext(v);
      expect(new URL(out, 'https://app.example').origin).toBe('https://app.example');
      expect(out.startsWith('//')).toBe(false);
    }
  });
});
