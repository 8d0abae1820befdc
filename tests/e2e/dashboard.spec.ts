import { expect, test, type Locator, type Page } from '@playwright/test';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { placeOrder, seedProduct, seedUser, waitForOrderToSettle } from './support/seed';
import { attachScreenshot, docsScreenshot } from './support/shots';

const kpis = ['kpi-revenue-today', 'kpi-revenue-period', 'kpi-orders', 'kpi-avg-order-value', 'kpi-new-users', 'kpi-cancellation-rate'];
const charts = ['chart-revenue', 'chart-registrations', 'chart-orders-by-status', 'chart-top-products'];

/** How many bars or areas a chart has drawn with a visible size (zero-height bars do not count). */
function drawnMarks(chart: Locator): Promise<number> {
  return chart.locator('svg.recharts-surface').evaluate(
    (svg) =>
      [...svg.querySelectorAll<SVGGraphicsElement>('path.recharts-rectangle, path.recharts-area-area')].filter((mark) => {
        const box = mark.getBBox();
        return box.width > 1 && box.height > 1;
      }).length,
  );
}

async function expectDashboardWithData(page: Page) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  // Projections are asynchronous and the dashboard polls every 3 s: wait for the data to arrive.
  for (const id of kpis) await expect(page.getByTestId(`${id}-value`), id).toHaveText(/[1-9]/, { timeout: 30_000 });
  for (const id of charts) {
    const chart = page.getByTestId(id);
    await expect(chart.locator('svg.recharts-surface'), `${id} has an SVG`).toBeVisible();
    await expect.poll(() => drawnMarks(chart), { message: `${id} draws its data` }).toBeGreaterThan(0);
  }
}

test.describe('dashboard', () => {
  test.beforeAll(async ({ playwright }, testInfo) => {
    test.setTimeout(120_000);
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      const users = await Promise.all(['Dana Dashboard', 'Eli Dashboard', 'Fay Dashboard', 'Gus Dashboard'].map((n) => seedUser(api, n)));
      const [lamp, desk, chair] = await Promise.all([
        seedProduct(api, { name: 'Desk lamp', priceCents: 4500 }),
        // Priced above any demo product's 30-day revenue (the analytics spec loads the demo into this database first).
        seedProduct(api, { name: 'Standing desk', priceCents: 500000 }),
        seedProduct(api, { name: 'Office chair', priceCents: 18900 }),
      ]);
      const orders = [
        await placeOrder(api, users[0]!, [{ product: lamp!, quantity: 2 }]),
        await placeOrder(api, users[1]!, [
          { product: desk!, quantity: 1 },
          { product: lamp!, quantity: 1 },
        ]),
        await placeOrder(api, users[2]!, [{ product: chair!, quantity: 3 }]),
        await placeOrder(api, users[3]!, [{ product: desk!, quantity: 1 }], 'tok_decline'),
      ];
      const settled = await Promise.all(orders.map((o) => waitForOrderToSettle(api, o)));
      expect(settled.map((o) => o.status)).toEqual(['completed', 'completed', 'completed', 'cancelled']);
    } finally {
      await dispose();
    }
  });

  test('shows KPIs and charts drawn from the seeded users and orders (desktop)', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, admin);
    await page.goto('/');
    await expectDashboardWithData(page);
    // A seeded product is named on the chart (axis labels may wrap between words).
    await expect(page.getByTestId('chart-top-products')).toContainText(/Standing\s*desk/);
    await docsScreenshot(page, testInfo, 'dashboard');
  });

  test('fits a 390 px wide screen without horizontal scrolling', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, admin);
    await page.goto('/');
    await expectDashboardWithData(page);
    await expect(page.getByRole('button', { name: 'Open navigation' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await attachScreenshot(page, testInfo, 'dashboard-390px');
  });
});
