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
