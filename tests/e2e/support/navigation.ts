/** Proving that something happened without a full page load: a mark on `window` survives client-side navigation only. */
import { expect, type Page } from '@playwright/test';

type Marked = Window & { __e2eSameDocument?: string };

export async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as Marked).__e2eSameDocument = 'yes';
  });
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as Marked).__e2eSameDocument), 'the page was not reloaded').toBe('yes');
}
