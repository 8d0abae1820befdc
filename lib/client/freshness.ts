/** Every query answer carries its freshness (see docs/api-shapes.md). */
export interface Freshness {
  position: number;
  stale: boolean;
}
interface WithFreshness {
  freshness?: Freshness;
}

/**
 * A refetchInterval for read-your-writes: poll quickly while the read model has not yet reached
 * the position we asked for, otherwise fall back to `otherwise` (false = no polling).
 */
export function pollWhileStale(otherwise: number | false = false, every = 500) {
  return (query: { state: { data?: unknown } }) => {
    const data = query.state.data as WithFreshness | undefined;
    return data?.freshness?.stale ? every : otherwise;
  };
}

export const isStale = (data: unknown) => Boolean((data as WithFreshness | undefined)?.freshness?.stale);

/** A position from the URL (`?p=123`), as given after a command. */
export function positionParam(value: string | string[] | null | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
