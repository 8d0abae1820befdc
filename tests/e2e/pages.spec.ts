import { expect, test } from '@playwright/test';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { unique } from './support/env';
import { attachScreenshot, docsScreenshot } from './support/shots';

const pages = [
  { path: '/', title: 'Dashboard' },
  { path: '/users', title: 'Users' },
  { path: '/orders', title: 'Orders' },
  { path: '/catalog', title: 'Catalog' },
  { path: '/reports', title: 'Reports' },
  { path: '/ops/projections', title: 'Projections' },
  { path: '/ops/events', title: 'Events' },
  { path: '/ops/dead-letters', title: 'Dead letters' },
];

test.describe('every page', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, admin);
  });

  for (const { path, title } of pages) {
    test(`${path} opens with its title`, async ({ page }, testInfo) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
      await expect(page.getByRole('status').filter({ hasText: /Loading/ })).toHaveCount(0, { timeout: 30_000 });
      await expect(page.getByText('Could not load this')).toHaveCount(0);
      await attachScreenshot(page, testInfo, `page-${title.toLowerCase().replace(/ /g, '-')}`);
    });
  }

  test('projections report every read model running and caught up', async ({ page }, testInfo) => {
    await page.goto('/ops/projections');
    const table = page.getByTestId('projections-table');
    await expect(table).toBeVisible();
    const rows = table.locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThan(1);
    await expect(table.locator('tbody')).not.toContainText('failed');
    await expect(rows.filter({ hasText: 'running' })).toHaveCount(await rows.count(), { timeout: 30_000 });
    // Caught up: the page refreshes every 2 s until every "Lag (events)" cell reads 0.
    await expect
      .poll(() => table.locator('tbody tr td:nth-child(4)').allInnerTexts(), { timeout: 30_000 })
      .toEqual(Array.from({ length: await rows.count() }, () => '0'));
    await docsScreenshot(page, testInfo, 'projections');
  });

  test('a product created in the "New product" dialog shows in the catalog', async ({ page }, testInfo) => {
    const sku = `DLG-${unique().toUpperCase()}`;
    await page.goto('/catalog');
    await page.getByRole('button', { name: 'New product' }).click();
    const form = page.getByRole('dialog').getByRole('form', { name: 'Create product' });
    await form.getByLabel('SKU').fill(sku);
    await form.getByLabel('Name').fill('Dialog-made kettle');
    await form.getByLabel('Price (USD)').fill('34.50');
    await form.getByLabel('Initial stock').fill('7');
    await form.getByRole('button', { name: 'Create product' }).click();
    await expect(page.getByRole('dialog')).toBeHidden();

    await page.getByLabel('Search products').fill(sku);
    const row = page.getByTestId('products-table').getByRole('row').filter({ hasText: sku });
    await expect(row).toContainText('Dialog-made kettle', { timeout: 30_000 });
    await expect(row).toContainText('$34.50');
    await expect(row).toContainText('low');
    await attachScreenshot(page, testInfo, 'catalog-new-product');
  });
});
