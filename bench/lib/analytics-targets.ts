/**
 * The cached analytics queries bench/http.ts measures against `dashboard.summary` (the issue's
 * bar: each new view's query serves at least as fast). Names and inputs are the API's
 * (docs/api-shapes.md, "Analytics"); every range is the dashboard's default, the 30 days to today.
 */

export interface QueryTarget {
  /** The scenario's name in the bench's table. */
  name: string;
  /** The tRPC procedure path, as served at /api/trpc/<path>. */
  path: string;
  /** Its input, without `minPosition`: the answer comes from the cache once warm. */
  input: Record<string, unknown>;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One target per analytics view. `productId` is any product of the loaded demo (the product page's
 * query needs one); `now` fixes "today" so every run asks the same, cacheable, question.
 */
export function analyticsTargets({ productId, now = Date.now() }: { productId: string; now?: number }): QueryTarget[] {
  const range = { from: isoDay(now - 29 * DAY_MS), to: isoDay(now) };
  return [
    { name: 'analytics.kpis (range vs previous period)', path: 'analytics.kpis', input: range },
    { name: 'analytics.dayKpis (today vs yesterday)', path: 'analytics.dayKpis', input: {} },
    { name: 'analytics.funnel', path: 'analytics.funnel', input: range },
    { name: 'analytics.products', path: 'analytics.products', input: range },
    { name: 'analytics.productDaily', path: 'analytics.productDaily', input: { ...range, productId } },
    { name: 'analytics.cohorts', path: 'analytics.cohorts', input: range },
    { name: 'orders.count (a drill-down)', path: 'orders.count', input: { ...range, on: 'completed', status: 'completed' } },
  ];
}

/** The GET URL of a tRPC query over HTTP (superjson's wire shape: the input under `json`). */
export const queryUrl = (base: string, t: Pick<QueryTarget, 'path' | 'input'>) =>
  `${base}/api/trpc/${t.path}?input=${encodeURIComponent(JSON.stringify({ json: t.input }))}`;
