'use client';

import { useCallback, useMemo } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { daysAgo, isDay, today } from '@/lib/client/days';

export interface DayRange {
  from: string;
  to: string;
}
export type Comparison = 'previous' | 'none';

/** The longest range a report covers (the API's limit). */
const MAX_DAYS = 3660;

function validRange(from: string | null, to: string | null): DayRange | null {
  if (!from || !to || !isDay(from) || !isDay(to) || from > to) return null;
  return (Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS ? null : { from, to };
}

/**
 * The page's date range and comparison, kept in the URL (`?from=…&to=…&compare=none`) so a view can
 * be shared or bookmarked. A missing or invalid range falls back to the last `defaultDays` days.
 */
export function useRangeParams(defaultDays = 30) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const from = params.get('from');
  const to = params.get('to');
  const range = useMemo(() => validRange(from, to) ?? { from: daysAgo(defaultDays - 1), to: today() }, [from, to, defaultDays]);
  const compare: Comparison = params.get('compare') === 'none' ? 'none' : 'previous';
  const update = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) next.delete(k);
        else next.set(k, v);
      }
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    },
    [params, router, pathname],
  );
  return {
    range,
    compare,
    params,
    setRange: (r: DayRange) => update({ from: r.from, to: r.to }),
    setCompare: (c: Comparison) => update({ compare: c === 'none' ? 'none' : undefined }),
    update,
  };
}

/** `?from=…&to=…` for links that carry the range to another page. */
export const rangeQuery = (r: DayRange, extra: Record<string, string | undefined> = {}) => {
  const q = new URLSearchParams({ from: r.from, to: r.to });
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
  return q.toString();
};
