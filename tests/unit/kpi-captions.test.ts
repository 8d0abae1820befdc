/**
 * The dashboard's KPI captions are true of the tile they sit on: a per-currency money tile counts
 * that currency's orders only, never the orders of every currency.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KpiCards } from '@/components/dashboard/kpi-cards';
import type { Kpi } from '@/components/analytics/kpi-tile';

const kpi = (key: Kpi['key'], currency: string | null, current: number): Kpi => ({
  key,
  currency,
  current,
  previous: 0,
  change: current,
  changeRate: null,
  series: [current],
});
const report = (kpis: Kpi[]) => ({
  period: { from: '2026-03-01', to: '2026-03-30' },
  previous: { from: '2026-01-30', to: '2026-02-28' },
  kpis,
});

// Today: 5 USD orders, 2 EUR orders and 1 GBP order completed (8 in all).
const today = report([
  kpi('revenue', 'USD', 50_000),
  kpi('revenue', 'EUR', 9_000),
  kpi('revenue', 'GBP', 1_000),
  kpi('completedOrders', null, 8),
  kpi('placedOrders', null, 9),
  kpi('newUsers', null, 1),
]);
const period = report([
  kpi('revenue', 'USD', 900_000),
  kpi('revenue', 'EUR', 90_000),
  kpi('avgOrderValue', 'USD', 9_000),
  kpi('avgOrderValue', 'EUR', 4_500),
  kpi('completedOrders', null, 120),
  kpi('placedOrders', null, 130),
  kpi('cancelledOrders', null, 10),
  kpi('cancellationRate', null, 0.077),
  kpi('newUsers', null, 12),
]);
const todayByCurrency = [
  { currency: 'USD', completedOrders: 5 },
  { currency: 'EUR', completedOrders: 2 },
  { currency: 'GBP', completedOrders: 1 },
];

/** The caption (the tile's last small-print <p>) of the tile with this test id. */
function caption(html: string, testId: string): string {
  const tile = html.split('<section ').find((part) => part.includes(`data-testid="${testId}" `));
  if (!tile) throw new Error(`no tile ${testId}`);
  const texts = [...tile.matchAll(/<p class="text-xs text-muted-foreground">([^<]*)<\/p>/g)].map((m) => m[1]);
  return texts[texts.length - 1] ?? '';
}

describe('dashboard KPI captions', () => {
  const html = renderToStaticMarkup(createElement(KpiCards, { period, today, todayByCurrency, compare: true }));

  it('counts each currency\'s own completed orders under its "Revenue today" tile', () => {
    expect(caption(html, 'kpi-revenue-today')).toBe('5 completed USD orders today · vs yesterday');
    expect(caption(html, 'kpi-revenue-today-EUR')).toBe('2 completed EUR orders today · vs yesterday');
    expect(caption(html, 'kpi-revenue-today-GBP')).toBe('1 completed GBP order today · vs yesterday');
  });

  it("says the average order value is over that currency's completed orders", () => {
    expect(caption(html, 'kpi-avg-order-value')).toBe('Completed USD orders in range');
    expect(caption(html, 'kpi-avg-order-value-EUR')).toBe('Completed EUR orders in range');
  });
});
