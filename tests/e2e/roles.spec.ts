import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createStaffMember, type StaffLogin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { seedUser, type SeededUser } from './support/seed';
import { unique } from './support/env';
import { attachScreenshot } from './support/shots';

/**
 * users.create as the page's session would send it, bypassing the (hidden) form. A browser sends
 * its Origin with every POST; without one a cookie-authenticated write is refused as cross-site.
 */
function forceCreateUser(page: import('@playwright/test').Page) {
  return page.request.post('/api/trpc/users.create', {
    headers: { origin: new URL(String(test.info().project.use.baseURL)).origin },
    data: { json: { email: `forced.${unique()}@example.test`, name: 'Forced Through', commandId: randomUUID() } },
  });
}

test.describe('roles', () => {
  let analyst: StaffLogin;
  let operator: StaffLogin;
  let someone: SeededUser;

  test.beforeAll(async ({ playwright }, testInfo) => {
    [analyst, operator] = await Promise.all([createStaffMember('analyst'), createStaffMember('operator')]);
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      someone = await seedUser(api, 'Rolf Readonly');
      await api.fresh('users.profile', { userId: someone.userId }, someone.position);
    } finally {
      await dispose();
    }
  });

  test('an analyst sees no command forms', async ({ page }, testInfo) => {
    await signIn(page, analyst);

    await page.goto('/users');
    await expect(page.getByTestId('signed-in-role')).toHaveText('analyst');
    await expect(page.getByLabel('Search users')).toBeVisible();
    await expect(page.getByRole('form', { name: 'Create user' })).toHaveCount(0);
    await attachScreenshot(page, testInfo, 'analyst-users');

    await page.goto(`/users/${someone.userId}`);
    await expect(page.getByTestId('profile-email')).toHaveText(someone.email);
    await expect(page.getByRole('form', { name: 'Change email' })).toHaveCount(0);

    await page.goto('/orders');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Orders');
    await expect(page.getByTestId('orders-table').or(page.getByText('No orders yet'))).toBeVisible();
    await expect(page.getByRole('form', { name: 'Place order' })).toHaveCount(0);

    await page.goto('/catalog');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catalog');
    await expect(page.getByLabel('Search products')).toBeVisible();
    await expect(page.getByRole('button', { name: 'New product' })).toHaveCount(0);
    await attachScreenshot(page, testInfo, 'analyst-catalog');
  });

  test('an analyst forcing a command through the API is refused with FORBIDDEN', async ({ page }) => {
    await signIn(page, analyst);
    const res = await forceCreateUser(page);
    expect(res.status()).toBe(403);
    const body = (await res.json()) as { error: { json: { data: { code: string } } } };
    expect(body.error.json.data.code).toBe('FORBIDDEN');

    // Queries still work for the analyst with the same session.
    const query = await page.request.get(
      `/api/trpc/users.profile?input=${encodeURIComponent(JSON.stringify({ json: { userId: someone.userId } }))}`,
    );
    expect(query.status()).toBe(200);
  });

  test('an operator sends the same command and it is accepted', async ({ page }) => {
    await signIn(page, operator);
    const res = await forceCreateUser(page);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { result: { data: { json: { userId: string } } } };
    expect(body.result.data.json.userId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
