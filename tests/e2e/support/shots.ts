/** Screenshots: every page as a test artifact, and a few for the docs. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo } from '@playwright/test';

const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

/** Attaches a full-page screenshot to the test's report (it lands under test-results/<test>/attachments/). */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

/** Writes docs/screenshots/<name>.png and attaches it too. */
export async function docsScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = path.join(docsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(`docs-${name}`, { path: file, contentType: 'image/png' });
}
