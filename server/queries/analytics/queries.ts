import type { ReadDeps } from '@/server/deps';
import { readModel, type ReadOptions } from '../read-model';
import { loadDayKpis, loadKpis } from './kpis';
import { loadFunnel } from './funnel';
import { loadProductDaily, loadProducts } from './products';
import { loadCohorts } from './cohorts';
import { todayUtc, type Period } from './periods';

/**
 * The analytics pages' queries: each waits for `minPosition` on the projections it reads, answers
 * from the cache keyed by their checkpoints, and says how fresh it is.
 */
type Input<T = object> = Period & ReadOptions & T;

export const kpis = (s: ReadDeps, input: Input) =>
  readModel(s, 'analytics.kpis', ['analytics'], [input.from, input.to], input, () => loadKpis(s.read.db, input));

export function dayKpis(s: ReadDeps, input: { day?: string } & ReadOptions) {
  const day = input.day ?? todayUtc();
  return readModel(s, 'analytics.dayKpis', ['analytics'], [day], input, () => loadDayKpis(s.read.db, day));
}

export const funnel = (s: ReadDeps, input: Input) =>
  readModel(s, 'analytics.funnel', ['order_facts'], [input.from, input.to], input, () => loadFunnel(s.read.db, input));

export function products(s: ReadDeps, input: Input) {
  const today = todayUtc();
  return readModel(s, 'analytics.products', ['product_sales_daily', 'inventory'], [input.from, input.to, today], input, () =>
    loadProducts(s.read.db, input, today),
  );
}

export const productDaily = (s: ReadDeps, input: Input<{ productId: string }>) =>
  readModel(s, 'analytics.productDaily', ['product_sales_daily', 'inventory'], [input.productId, input.from, input.to], input, () =>
    loadProductDaily(s.read.db, input.productId, input),
  );

export function cohorts(s: ReadDeps, input: Input) {
  const today = todayUtc();
  return readModel(s, 'analytics.cohorts', ['cohorts'], [input.from, input.to, today], input, () => loadCohorts(s.read.db, input, today));
}
