/**
 * The analytics views on the demo shop: every number checked here is computed again by SQL over
 * the write tables (tests/e2e/support/write-sql.ts), not read back from the read models.
 */
import { expect, test, type Page } from '@playwright/test';
import { connect } from '@/db/client';
import { loadDemo } from '@/server/demo/load';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { e2e } from './support/env';
import { docsScreenshot } from './support/shots';
import { writeSide } from './support/write-sql';

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const to = day(0);
const from = day(-13);
const previous = { from: day(-27), to: day(-14) };
const range = `from=${from}&to=${to}`;
const usd = (cents: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
const int = (n: number) => new Intl.NumberFormat('en-US').format(n);
const signed = (n: number, f: (n: number) => string) => `${n > 0 ? '+' : n === 0 ? '±' : '−'}${f(Math.abs(n))}`;
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
/** The Monday (UTC) `weeks` weeks before this week's. */
const monday = (weeks: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7 * weeks)).toISOString().slice(0, 10);
};

/** The page has drawn its data (the main heading is there and no loading skeleton is left). */
async function settled(page: Page) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0, { timeout: 30_000 });
}

test.describe('analytics on the demo shop', () => {
  test.beforeAll(async ({ playwright }, testInfo) => {
    test.setTimeout(300_000);
    const pool = connect(e2e.databaseUrl, { max: 4, appName: 'll-e2e-demo' });
    try {
      await loadDemo(pool.db, { days: 42, users: 160, orders: 420, seed: 'e2e-analytics', concurrency: 4 });
    } finally {
      await pool.close();
    }
    // Every read model these pages use has applied the whole demo before any page is checked.
    const position = await writeSide.lastPosition();
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      for (const [path, input] of [
        ['analytics.kpis', { from, to }], ['analytics.funnel', { from, to }], ['analytics.products', { from, to }],
        ['analytics.cohorts', { from: monday(5), to }], ['dashboard.summary', { from, to }], ['orders.count', {}],
      ] as const) await api.fresh(path, input, position, 120_000);
    } finally {
      await dispose();
    }
  });

  test.beforeEach(async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, admin);
  });

  test('dashboard KPIs show their change against the previous period; range and comparison stay in the URL', async ({ page }, testInfo) => {
    const [now, before] = await Promise.all([writeSide.placed(from, to), writeSide.placed(previous.from, previous.to)]);
    const [revenue, revenueBefore] = await Promise.all([writeSide.revenue(from, to), writeSide.revenue(previous.from, previous.to)]);
    expect(now.placed).toBeGreaterThan(0);
    await page.goto(`/?${range}`);
    await settled(page);
    await expect(page.getByTestId('kpi-orders-value')).toHaveText(int(now.placed));
    await expect(page.getByTestId('kpi-orders-delta-abs')).toHaveText(signed(now.placed - before.placed, int));
    await expect(page.getByTestId('kpi-revenue-period')).toContainText('(USD)');
    await expect(page.getByTestId('kpi-revenue-period-value')).toHaveText(usd(revenue));
    await expect(page.getByTestId('kpi-revenue-period-delta-abs')).toHaveText(signed(revenue - revenueBefore, usd));
    if (revenueBefore) await expect(page.getByTestId('kpi-revenue-period-delta-pct')).toHaveText(`(${revenue > revenueBefore ? '+' : ''}${(((revenue - revenueBefore) / revenueBefore) * 100).toFixed(1)}%)`);
    await expect(page.getByTestId('kpi-orders').getByTestId('sparkline')).toBeVisible();
    await docsScreenshot(page, testInfo, 'analytics-dashboard-kpis');

    await page.getByLabel('Compare with').selectOption('none');
    await expect(page).toHaveURL(/compare=none/);
    await expect(page).toHaveURL(new RegExp(`from=${from}`));
    await page.reload();
    await settled(page);
    await expect(page.getByLabel('Compare with')).toHaveValue('none');
    await expect(page.getByTestId('kpi-orders-delta')).toHaveCount(0);
  });

  test('clicking a status bar opens exactly the orders it counted', async ({ page }, testInfo) => {
    const { completed } = await writeSide.placed(from, to);
    await page.goto(`/?${range}`);
    await settled(page);
    // Bars are drawn in status order (cancelled, completed, …): the second is "completed".
    const bars = page.getByTestId('chart-orders-by-status').locator('path.recharts-rectangle');
    await expect(bars.nth(1)).toBeVisible();
    await bars.nth(1).click();
    await expect(page).toHaveURL(/\/orders\?.*status=completed/);
    await expect(page.getByTestId('orders-count')).toHaveText(int(completed));
    await expect(page.getByLabel('Status')).toHaveValue('completed');
    await docsScreenshot(page, testInfo, 'analytics-drilldown-orders');
  });

  test('the funnel counts the orders placed in the range and how many completed', async ({ page }, testInfo) => {
    const { placed, completed } = await writeSide.placed(from, to);
    await page.goto(`/analytics?${range}`);
    await settled(page);
    await expect(page.getByTestId('funnel-step-placed-orders')).toHaveText(int(placed));
    await expect(page.getByTestId('funnel-step-completed-orders')).toHaveText(int(completed));
    await expect(page.getByTestId('chart-saga-timing').getByRole('application')).toBeVisible();
    await expect(page.getByTestId('chart-cancellations').getByRole('application')).toBeVisible();
    await docsScreenshot(page, testInfo, 'analytics-funnel');
    await page.getByTestId('funnel-step-completed-orders').click();
    await expect(page.getByTestId('orders-count')).toHaveText(int(completed));
  });

  test('a product row matches the write tables, and its chart drills down to its orders', async ({ page }, testInfo) => {
    const products = await writeSide.products(from, to);
    const top = products[0]!;
    expect(top.units).toBeGreaterThan(0);
    await page.goto(`/analytics/products?${range}`);
    await settled(page);
    await page.getByRole('button', { name: 'Units sold' }).click();
    await expect(page).toHaveURL(/sort=unitsSold/);
    const table = page.getByTestId('products-analytics-table');
    const row = table.getByTestId(`product-row-${top.sku}`);
    await expect(row.locator('[data-col="unitsSold"]')).toHaveText(int(top.units));
    await expect(row.locator('[data-col="revenue"]')).toHaveText(usd(top.revenue));
    await expect(row.locator('[data-col="completedOrders"]')).toHaveText(int(top.orders));
    await expect(row.locator('[data-col="onHand"]')).toHaveText(int(top.onHand));
    await expect(table.locator('tbody tr').first()).toHaveAttribute('data-testid', `product-row-${top.sku}`);
    await docsScreenshot(page, testInfo, 'analytics-products');

    await row.getByRole('link', { name: top.name }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(top.name);
    await settled(page);
    await expect(page.getByTestId('product-orders-value')).toHaveText(int(top.orders));
    await expect(page.getByTestId('chart-product-units').locator('svg.recharts-surface')).toBeVisible();
    await docsScreenshot(page, testInfo, 'analytics-product');
    await page.getByTestId('product-orders-value').click();
    await expect(page).toHaveURL(/productId=/);
    await expect(page.getByTestId('orders-count')).toHaveText(int(top.orders));
  });

  test('a cohort cell is the share of that week\'s new customers who completed an order that many weeks later', async ({ page }, testInfo) => {
    const week = monday(4);
    const cell = await writeSide.cohortCell(week, 1);
    expect(cell.customers).toBeGreaterThan(0);
    await page.goto(`/analytics/cohorts?from=${week}&to=${to}`);
    await settled(page);
    await expect(page.getByTestId(`cohort-cell-${week}-1`)).toHaveText(pct(cell.active / cell.customers));
    await expect(page.getByTestId('chart-repeat-rate').locator('svg.recharts-surface')).toBeVisible();
    await docsScreenshot(page, testInfo, 'analytics-cohorts');
  });

  test('the reports page shows each KPI against the previous period', async ({ page }, testInfo) => {
    const [now, before] = await Promise.all([writeSide.placed(from, to), writeSide.placed(previous.from, previous.to)]);
    await page.goto(`/reports?${range}`);
    await settled(page);
    await expect(page.getByTestId('report-kpi-placed-value')).toHaveText(int(now.placed));
    await expect(page.getByTestId('report-kpi-placed-delta-abs')).toHaveText(signed(now.placed - before.placed, int));
    await docsScreenshot(page, testInfo, 'analytics-reports');
  });
});
