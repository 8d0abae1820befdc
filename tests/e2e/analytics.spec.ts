/**
 * The analytics views on the demo shop: every number checked here is computed again by SQL over
 * the write tables (tests/e2e/support/write-sql.ts), not read back from the read models.
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { connect } from '@/db/client';
import { loadDemo } from '@/server/demo/load';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { e2e } from './support/env';
import { docsScreenshot } from './support/shots';
import { writeSide } from './support/write-sql';
import { downloadCsv } from './support/csv';
import { seedProduct, seedUser, waitForOrderToSettle } from './support/seed';

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
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7 * weeks))
    .toISOString()
    .slice(0, 10);
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
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      // One order in a second currency, so every money figure and export must keep EUR apart from USD.
      const [buyer, kettle] = await Promise.all([
        seedUser(api, 'Euro Buyer'),
        seedProduct(api, { name: 'Euro kettle', priceCents: 2500, stock: 50 }),
      ]);
      const placed = await api.mutate<{ orderId: string; position: number }>('orders.place', {
        userId: buyer.userId,
        items: [{ productId: kettle.productId, quantity: 2 }],
        payment: { token: 'tok_ok' },
        currency: 'EUR',
        commandId: randomUUID(),
      });
      expect((await waitForOrderToSettle(api, placed)).status).toBe('completed');
      // Every read model these pages use has applied the whole demo before any page is checked.
      const position = await writeSide.lastPosition();
      for (const [path, input] of [
        ['analytics.kpis', { from, to }],
        ['analytics.funnel', { from, to }],
        ['analytics.products', { from, to }],
        ['analytics.cohorts', { from: monday(5), to }],
        ['dashboard.summary', { from, to }],
        ['orders.count', {}],
      ] as const)
        await api.fresh(path, input, position, 120_000);
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
    if (revenueBefore)
      await expect(page.getByTestId('kpi-revenue-period-delta-pct')).toHaveText(
        `(${revenue > revenueBefore ? '+' : ''}${(((revenue - revenueBefore) / revenueBefore) * 100).toFixed(1)}%)`,
      );
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

    // The list's CSV is the page on screen: its orders, in its order, as the write tables have them.
    const shown = await page
      .getByTestId('orders-table')
      .locator('a[aria-label^="Order "]')
      .evaluateAll((links) => links.map((l) => l.getAttribute('aria-label')!.slice('Order '.length)));
    expect(shown.length).toBe(Math.min(25, completed));
    const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download ledgerline-orders-page-1.csv' }));
    expect(csv.records.map((r) => r.order_id)).toEqual(shown);
    const written = new Map((await writeSide.orders(shown)).map((o) => [o.orderId, o]));
    expect(
      csv.records.map((r) => ({
        orderId: r.order_id,
        status: r.status,
        userId: r.customer_id,
        currency: r.currency,
        totalCents: Number(r.total_cents),
      })),
    ).toEqual(shown.map((id) => written.get(id)));
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

  test("a cohort cell is the share of that week's new customers who completed an order that many weeks later", async ({
    page,
  }, testInfo) => {
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
  test("CSV downloads hold the rows shown, in the order shown, and their numbers are the write tables'", async ({ page }) => {
    const file = (name: string) => `ledgerline-${name}-${from}-to-${to}.csv`;
    const csvButton = (scope: Page | ReturnType<Page['getByTestId']>, name: string) =>
      scope.getByRole('button', { name: `Download ${name}` });
    const [products, revenue, statuses, placed, cancelled] = await Promise.all([
      writeSide.products(from, to),
      writeSide.productRevenue(from, to),
      writeSide.byStatus(from, to),
      writeSide.placed(from, to),
      writeSide.cancellations(from, to),
    ]);
    expect(revenue.some((r) => r.currency === 'EUR')).toBe(true);

    // Products: the table's rows in its sort, one revenue column per currency.
    await page.goto(`/analytics/products?${range}&sort=unitsSold`);
    await settled(page);
    const table = page.getByTestId('products-analytics-table');
    await expect(table.locator('tbody tr').first()).toHaveAttribute('data-testid', `product-row-${products[0]!.sku}`);
    const shown = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace(/^product-row-/, '')));
    const productsCsv = await downloadCsv(page, csvButton(page, file('products')));
    expect(productsCsv.records.map((r) => r.sku)).toEqual(shown);
    expect(productsCsv.header).toEqual(expect.arrayContaining(['revenue_cents_USD', 'revenue_cents_EUR']));
    const byId = new Map(productsCsv.records.map((r) => [r.product_id, r]));
    for (const p of products.filter((x) => x.units > 0)) {
      const r = byId.get(p.productId)!;
      expect([p.sku, Number(r.units_sold), Number(r.completed_orders), Number(r.stock_on_hand)]).toEqual([
        p.sku,
        p.units,
        p.orders,
        p.onHand,
      ]);
    }
    for (const r of productsCsv.records) {
      for (const c of ['USD', 'EUR']) {
        const cents = revenue.filter((x) => x.productId === r.product_id && x.currency === c).reduce((a, x) => a + x.cents, 0);
        expect([r.sku, c, Number(r[`revenue_cents_${c}`])]).toEqual([r.sku, c, cents]);
      }
    }

    // The funnel and the cancellations chart.
    await page.goto(`/analytics?${range}`);
    await settled(page);
    const funnel = await downloadCsv(page, csvButton(page.getByTestId('funnel'), file('funnel')));
    expect(funnel.records.map((r) => r.step)).toEqual(['placed', 'paid', 'reserved', 'completed']);
    const step = (s: string) => Number(funnel.records.find((r) => r.step === s)!.orders);
    expect([step('placed'), step('completed')]).toEqual([placed.placed, placed.completed]);
    for (const s of ['placed', 'paid', 'reserved', 'completed'])
      await expect(page.getByTestId(`funnel-step-${s}-orders`)).toHaveText(int(step(s)));
    const cancels = await downloadCsv(page, csvButton(page.getByTestId('chart-cancellations'), file('cancellations')));
    expect(cancels.records.length).toBe(14);
    for (const r of cancels.records) {
      for (const reason of ['payment_failed', 'out_of_stock', 'payment_timeout']) {
        expect([r.day, reason, Number(r[reason])]).toEqual([
          r.day,
          reason,
          cancelled.find((c) => c.day === r.day && c.reason === reason)?.count ?? 0,
        ]);
      }
    }

    // The dashboard: orders by status, and the best sellers of each currency apart.
    await page.goto(`/?${range}`);
    await settled(page);
    const status = await downloadCsv(page, csvButton(page.getByTestId('chart-orders-by-status'), file('dashboard-orders-by-status')));
    expect(status.records.map((r) => [r.status, Number(r.orders)])).toEqual(statuses.map((r) => [r.status, r.count]));
    for (const [c, id] of [
      ['USD', 'chart-top-products'],
      ['EUR', 'chart-top-products-EUR'],
    ] as const) {
      const top = await downloadCsv(page, csvButton(page.getByTestId(id), file(`dashboard-top-products-${c}`)));
      expect(top.records.map((r) => [r.product_id, r.currency, Number(r.units_sold), Number(r.revenue_cents)])).toEqual(
        revenue
          .filter((r) => r.currency === c)
          .slice(0, 5)
          .map((r) => [r.productId, c, r.units, r.cents]),
      );
    }
  });
});
