import { expect, test } from '@playwright/test';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { apiFor } from './support/fixtures';
import { seedUser, type SeededUser } from './support/seed';
import { unique } from './support/env';
import { expectSameDocument, markDocument } from './support/navigation';
import { attachScreenshot } from './support/shots';

test.describe('users', () => {
  let target: SeededUser;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const { api, dispose } = await apiFor(playwright, testInfo);
    try {
      // A decoy with a different name, so the search has something to leave out.
      const decoy = await seedUser(api, 'Morwenna Decoy');
      target = await seedUser(api, `Ysoldeline Farquharson`);
      await api.fresh('users.search', { q: 'Ysoldeline' }, Math.max(target.position, decoy.position));
    } finally {
      await dispose();
    }
  });

  test('search finds a user by a prefix of the name and opens the profile', async ({ page }, testInfo) => {
    await signIn(page, admin);
    await page.goto('/users');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');

    await page.getByLabel('Search users').fill('Ysold');
    const table = page.getByTestId('users-table');
    const row = table.getByRole('row').filter({ hasText: target.email });
    await expect(row).toBeVisible();
    await expect(table).not.toContainText('Morwenna Decoy');
    await attachScreenshot(page, testInfo, 'users-search');

    await row.getByRole('link', { name: target.name }).click();
    await expect(page).toHaveURL(`/users/${target.userId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.name);
    await expect(page.getByTestId('profile-email')).toHaveText(target.email);
    await attachScreenshot(page, testInfo, 'user-profile');
  });

  test('lists customers at once, newest first, sortable by name and paginated', async ({ page }) => {
    await signIn(page, admin);
    await page.goto('/users');
    const table = page.getByTestId('users-table');
    await expect(table.getByRole('row').nth(1)).toBeVisible(); // before typing anything
    await expect(table.getByRole('columnheader', { name: 'Joined' })).toHaveAttribute('aria-sort', 'descending');
    await expect(page.getByTestId('users-count')).toHaveText(/^\d+ users? · page 1 of \d+$/);

    // The order itself is checked in tests/integration/users-list.test.ts; here the header drives it.
    await table.getByRole('button', { name: 'Name' }).click();
    await expect(table.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
    const firstAscending = await table.locator('tbody tr td:first-child').first().innerText();
    await table.getByRole('button', { name: 'Name' }).click();
    await expect(table.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');
    await expect(table.locator('tbody tr td:first-child').first()).not.toHaveText(firstAscending);

    await page.getByLabel('Search users').fill('Ysoldeline');
    await expect(table.getByRole('row').filter({ hasText: target.email })).toBeVisible();
    await expect(page.getByTestId('users-count')).toHaveText(/^\d+ users? · page 1 of 1$/);
  });

  test('a user created in the form appears without a reload, and an email change shows on the profile', async ({ page }, testInfo) => {
    const name = `Created Inform ${unique()}`;
    const email = `created.${unique()}@example.test`;
    const changed = `changed.${unique()}@example.test`;
    await signIn(page, admin);
    await page.goto('/users');
    await markDocument(page);

    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Create user' }).click();

    // The form opens the profile at the command's position; the processing notice may show first.
    await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}\?p=\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name, { timeout: 30_000 });
    await expect(page.getByTestId('profile-email')).toHaveText(email);
    await expect(page.getByTestId('processing-notice')).toBeHidden({ timeout: 30_000 });
    await expectSameDocument(page);
    await attachScreenshot(page, testInfo, 'user-created');

    const change = page.getByRole('form', { name: 'Change email' });
    await change.getByLabel('New email').fill(changed);
    await change.getByRole('button', { name: 'Change email' }).click();
    await expect(change.getByText('Email change recorded.')).toBeVisible();
    await expect(page.getByTestId('profile-email')).toHaveText(changed, { timeout: 30_000 });
    await expectSameDocument(page);
  });
});
