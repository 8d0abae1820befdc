/**
 * The analytics queries over their read models, through the API as an analyst: a small shop whose
 * numbers are worked out by hand, answers with freshness, and bad ranges refused with BAD_REQUEST.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsProjection } from '@/server/projections/analytics';
import { inventoryProjection } from '@/server/projections/inventory';
import { orderFactsProjection } from '@/server/projections/order-facts';
import { productSalesProjection } from '@/server/projections/product-sales';
import { cohortsProjection } from '@/server/projections/cohorts';
import { callerFor, createTestEnv, type TestEnv } from './support/harness';
import { eventLog, given, order } from './support/projection-spec';

let t: TestEnv;
let analyst: Awaited<ReturnType<typeof callerFor>>;
const product = randomUUID();
const [ann, bob] = [randomUUID(), randomUUID()];

beforeAll(async () => {
  t = await createTestEnv('analytics_queries');
  analyst = await callerFor(t.services, 'analyst');
  const log = eventLog();
  log.add('ProductCreated', { productId: product, sku: 'MUG', name: 'Mug', priceCents: 1000, stock: 100 }, '2026-03-01T00:00:00Z');
  log.add('UserCreated', { userId: ann, email: 'ann@example.test', name: 'Ann' }, '2026-03-02T08:00:00Z');
  log.add('UserCreated', { userId: bob, email: 'bob@example.test', name: 'Bob' }, '2026-03-03T08:00:00Z');
  const mug = (quantity: number, unitPriceCents = 1000) => [{ productId: product, quantity, unitPriceCents }];
  order(log, { userId: ann, lines: mug(2), at: '2026-03-02T10:00:00Z', outcome: 'completed', stepSeconds: 60 }); // 3 min
  order(log, { userId: bob, lines: mug(1), at: '2026-03-03T10:00:00Z', outcome: 'payment_failed' });
  order(log, { userId: bob, lines: mug(1, 900), at: '2026-03-04T10:00:00Z', outcome: 'completed', currency: 'EUR', stepSeconds: 600 });
  order(log, { userId: ann, lines: mug(1), at: '2026-03-10T10:00:00Z', outcome: 'completed' });
  for (const p of [analyticsProjection, inventoryProjection, orderFactsProjection, productSalesProjection, cohortsProjection])
    await given(t.services.read, p, log.events);
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
});

describe('analytics queries', () => {
  it('KPIs compare with the previous period of the same length, once per currency for money', async () => {
    const answer = await analyst.analytics.kpis({ from: '2026-03-08', to: '2026-03-14' });
    expect(answer.freshness).toEqual({ position: expect.any(Number), stale: false });
    const { data } = answer;
    expect(data.previous).toEqual({ from: '2026-03-01', to: '2026-03-07' });
    expect(data.currencies).toEqual(['EUR', 'USD']);
    const kpi = (key: string, currency: string | null = null) => data.kpis.find((k) => k.key === key && k.currency === currency);
    expect(kpi('revenue', 'USD')).toMatchObject({ current: 1000, previous: 2000, change: -1000, changeRate: -0.5 });
    expect(kpi('revenue', 'USD')!.series).toEqual([0, 0, 1000, 0, 0, 0, 0]);
    expect(kpi('revenue', 'EUR')).toMatchObject({ current: 0, previous: 900, change: -900, changeRate: -1 });
    expect(kpi('placedOrders')).toMatchObject({ current: 1, previous: 3, change: -2 });
    expect(kpi('cancellationRate')).toMatchObject({ current: 0, previous: 1 / 3 });
    expect(kpi('newUsers')).toMatchObject({ current: 0, previous: 2, changeRate: -1 });
    expect(data.kpis.filter((k) => k.key === 'revenue' && k.currency === null)).toEqual([]);
  });

  it('the funnel follows the orders placed in the range; timing is placed → completed per day', async () => {
    const { data } = await analyst.analytics.funnel({ from: '2026-03-01', to: '2026-03-14' });
    expect(data.steps.map((s) => [s.step, s.orders, s.dropped])).toEqual([
      ['placed', 4, 0],
      ['paid', 3, 1],
      ['reserved', 3, 0],
      ['completed', 3, 0],
    ]);
    expect(data.cancellations.find((d) => d.day === '2026-03-03')).toEqual({
      day: '2026-03-03',
      payment_failed: 1,
      out_of_stock: 0,
      payment_timeout: 0,
      other: 0,
    });
    expect(data.timing.find((d) => d.day === '2026-03-02')).toEqual({ day: '2026-03-02', completed: 1, p50Seconds: 180, p95Seconds: 180 });
    expect(data.timing.find((d) => d.day === '2026-03-04')).toMatchObject({ completed: 1, p50Seconds: 1800 });
  });

  it('products show units, revenue per currency, cancellation rate and stock', async () => {
    const { data } = await analyst.analytics.products({ from: '2026-03-01', to: '2026-03-14' });
    expect(data).toEqual([
      expect.objectContaining({
        productId: product,
        sku: 'MUG',
        unitsSold: 4,
        completedOrders: 3,
        cancelledOrders: 1,
        cancellationRate: 0.25,
        revenue: [
          { currency: 'EUR', cents: 900 },
          { currency: 'USD', cents: 3000 },
        ],
        refunds: [],
        onHand: 96,
      }),
    ]);
    const daily = (await analyst.analytics.productDaily({ productId: product, from: '2026-03-02', to: '2026-03-04' })).data;
    expect(daily.days.map((d) => [d.day, d.unitsSold, d.revenue])).toEqual([
      ['2026-03-02', 2, { USD: 2000 }],
      ['2026-03-03', 0, {}],
      ['2026-03-04', 1, { EUR: 900 }],
    ]);
  });

  it("cohorts: a cell is the share of the week's new customers who completed an order that week; repeat rate per week", async () => {
    const { data } = await analyst.analytics.cohorts({ from: '2026-03-02', to: '2026-03-15' });
    expect(data.cohorts[0]).toMatchObject({ cohortWeek: '2026-03-02', customers: 2 });
    expect(data.cohorts[0]!.cells.slice(0, 3)).toEqual([
      { weeksSince: 0, active: 2, share: 1 },
      { weeksSince: 1, active: 1, share: 0.5 },
      { weeksSince: 2, active: 0, share: 0 },
    ]);
    expect(data.repeat).toEqual([
      { week: '2026-03-02', buyers: 2, repeatBuyers: 0, rate: 0 },
      { week: '2026-03-09', buyers: 1, repeatBuyers: 1, rate: 1 },
    ]);
  });

  it('dashboard.summary keeps currencies apart: money per currency, counts over every order, top products per currency', async () => {
    const { data } = await analyst.dashboard.summary({ from: '2026-03-01', to: '2026-03-14' });
    // Counts are over every order, whatever its currency.
    expect(data.period).toMatchObject({ placedOrders: 4, completedOrders: 3, cancelledOrders: 1, cancellationRate: 0.25 });
    expect(data.currencies).toEqual(['USD', 'EUR']);
    expect(data.period.byCurrency).toEqual([
      { currency: 'USD', revenueCents: 3000, completedOrders: 2, avgOrderValueCents: 1500, refundedCents: 0 },
      { currency: 'EUR', revenueCents: 900, completedOrders: 1, avgOrderValueCents: 900, refundedCents: 0 },
    ]);
    // The single-figure fields say which currency they are in (never a sum of USD and EUR).
    expect(data.period).toMatchObject({ currency: 'USD', revenueCents: 3000, avgOrderValueCents: 1500 });
    expect(data.revenue.every((d) => d.currency === data.currency)).toBe(true);
    expect(data.topProducts).toEqual([
      { productId: product, name: 'Mug', currency: 'USD', unitsSold: 3, revenueCents: 3000 },
      { productId: product, name: 'Mug', currency: 'EUR', unitsSold: 1, revenueCents: 900 },
    ]);
    // Asked for EUR, the single figures and the series are the EUR ones.
    const eur = (await analyst.dashboard.summary({ from: '2026-03-01', to: '2026-03-14', currency: 'EUR' })).data;
    expect(eur.period).toMatchObject({ currency: 'EUR', revenueCents: 900, avgOrderValueCents: 900, completedOrders: 3 });
    expect(eur.revenue.find((d) => d.day === '2026-03-04')).toMatchObject({ currency: 'EUR', revenueCents: 900 });
  });

  it('orders.count and orders.list take the drill-down filters', async () => {
    // order_summaries is not filled in this file: the filters must still validate and answer.
    const count = await analyst.orders.count({
      on: 'completed',
      from: '2026-03-02',
      to: '2026-03-02',
      productId: product,
      currency: 'USD',
      cancelReason: 'out_of_stock',
    });
    expect(count.data).toEqual({ count: 0 });
    await expect(analyst.orders.list({ on: 'shipped' as never, limit: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses reversed or malformed ranges and ids with BAD_REQUEST', async () => {
    await expect(analyst.analytics.kpis({ from: '2026-03-10', to: '2026-03-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(analyst.analytics.funnel({ from: '2026-13-01', to: '2026-03-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(analyst.analytics.productDaily({ productId: 'nope', from: '2026-03-01', to: '2026-03-02' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
