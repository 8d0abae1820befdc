import { expect, test } from '@playwright/test';
import { admin } from './support/staff';
import { signInWithForm } from './support/session';
import { attachScreenshot } from './support/shots';

test.describe('signing in', () => {
  test('a signed-out visitor is sent to the sign-in page and brought back after signing in', async ({ page }, testInfo) => {
    await page.goto('/orders');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Forders$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await attachScreenshot(page, testInfo, 'sign-in');

    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page).toHaveURL(/\/orders$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Orders');
    await expect(page.getByTestId('signed-in-role')).toHaveText('admin');
  });

  test('the admin signs in and lands on the dashboard', async ({ page }) => {
    await signInWithForm(page, admin);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
    await expect(page.getByTestId('signed-in-as')).toHaveText(admin.email);
  });

  test('a wrong password shows an error and does not sign in', async ({ page }, testInfo) => {
    await signInWithForm(page, { email: admin.email, password: 'not-the-password' });
    await expect(page.getByTestId('sign-in-error')).toHaveText('Email or password is not correct.');
    await expect(page).toHaveURL(/\/sign-in/);
    await attachScreenshot(page, testInfo, 'sign-in-error');

    // Still signed out: a portal page sends us back to sign in.
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
