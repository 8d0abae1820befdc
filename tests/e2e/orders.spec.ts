import { expect, test, type Page } from '@playwright/test';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { seedProduct, seedUser, type SeededProduct, type SeededUser } from './support/seed';
import { expectSameDocument, markDocument } from './support/navigation';
import { attachScreenshot, docsScreenshot } from './support/shots';

const SAGA_TIMEOUT = 45_000;

test.describe('placing orders', () => {
  let customer: SeededUser;
  let product: SeededProduct;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      customer = await seedUser(api, 'Octavia Ordering');
      product = await seedProduct(api, { name: 'Walnut bookshelf', priceCents: 12900, stock: 50 });
      // The form lists customers from the search projection and products from the inventory one.
      await api.fresh('users.search', { q: 'Octavia' }, customer.position);
      await api.fresh('catalog.products', { q: product.sku }, product.position);
    } finally {
      await dispose();
    }
  });

  async function fillPlaceOrder(page: Page, token: string) {
    await page.goto('/orders');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Orders');
    const form = page.getByRole('form', { name: 'Place order' });
    await form.getByLabel('Customer').fill('Octav');
    await form.getByRole('list', { name: 'Matching customers' }).getByRole('button').filter({ hasText: customer.email }).click();
    await expect(form.getByTestId('selected-customer')).toContainText(customer.name);
    await form.getByLabel('Product 1').selectOption(product.productId);
    await form.getByLabel('Quantity').fill('2');
    await form.getByLabel('Payment token').fill(token);
    await expect(form).toContainText('$258.00');
    await markDocument(page);
    await form.getByRole('button', { name: 'Place order' }).click();
    await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}\?p=\d+$/);
  }

  test('an order placed in the form reaches completed without a reload', async ({ page }, testInfo) => {
    await signIn(page, admin);
    await fillPlaceOrder(page, 'tok_ok');

    await expect(page.getByTestId('order-status')).toHaveText('completed', { timeout: SAGA_TIMEOUT });
    const timeline = page.getByTestId('saga-timeline');
    await expect(timeline.locator('[data-step="placed"]')).toHaveAttribute('data-state', 'done');
    await expect(timeline.locator('[data-step="paid"]')).toHaveAttribute('data-state', 'done');
    await expect(timeline.locator('[data-step="completed"]')).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('cancel-reason')).toHaveCount(0);
    await expect(page.getByRole('main')).toContainText('Walnut bookshelf');
    // The customer by name, linked to the profile (not a bare id).
    await expect(page.getByTestId('order-customer')).toHaveText(customer.name);
    await expect(page.getByTestId('order-customer')).toHaveAttribute('href', `/users/${customer.userId}`);
    await expect(page.getByTestId('event-versions').first()).toContainText(/log position \d+ · stream version 1 · schema v\d+/);
    await expect(page.getByTestId('processing-notice')).toBeHidden();
    await expectSameDocument(page);
    await docsScreenshot(page, testInfo, 'order-timeline');
  });

  test('an order with a declined payment is cancelled with reason payment_failed', async ({ page }, testInfo) => {
    await signIn(page, admin);
    await fillPlaceOrder(page, 'tok_decline');

    await expect(page.getByTestId('order-status')).toHaveText('cancelled', { timeout: SAGA_TIMEOUT });
    await expect(page.getByTestId('cancel-reason')).toHaveText('payment_failed');
    const timeline = page.getByTestId('saga-timeline');
    await expect(timeline.locator('[data-step="paid"]')).toHaveAttribute('data-state', 'failed');
    await expect(timeline.locator('[data-step="cancelled"]')).toHaveAttribute('data-state', 'failed');
    await expectSameDocument(page);
    await attachScreenshot(page, testInfo, 'order-declined');
  });
});
