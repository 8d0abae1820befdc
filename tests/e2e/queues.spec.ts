import { expect, test } from '@playwright/test';
import { admin, createStaffMember } from './support/staff';
import { signIn } from './support/session';
import { attachScreenshot } from './support/shots';

test.describe('queue board /admin/queues', () => {
  test('opens for an admin', async ({ page }, testInfo) => {
    await signIn(page, admin);
    const res = await page.goto('/admin/queues');
    expect(res?.status()).toBe(200);
    await expect(page).toHaveTitle(/Ledgerline queues/);
    // The board's own API answers with the project's queues.
    const api = await page.request.get('/admin/queues/api/queues');
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.length).toBeGreaterThan(0);
    await expect(page.getByText(body.queues[0]!.name, { exact: false }).first()).toBeVisible();
    await attachScreenshot(page, testInfo, 'queues-admin');
  });

  for (const role of ['operator', 'analyst'] as const) {
    test(`is refused (403) to an ${role}`, async ({ page }, testInfo) => {
      await signIn(page, await createStaffMember(role));
      const res = await page.goto('/admin/queues');
      expect(res?.status()).toBe(403);
      await expect(page.locator('body')).toContainText(`Forbidden: the queue board is for admins; you are ${role}.`);
      const api = await page.request.get('/admin/queues/api/queues');
      expect(api.status()).toBe(403);
      await attachScreenshot(page, testInfo, `queues-${role}`);
    });
  }

  test('sends a signed-out visitor to sign in', async ({ page }) => {
    await page.goto('/admin/queues');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fqueues$/);
  });
});
