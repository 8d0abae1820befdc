/** The banner of a running demo load: its percentage while it writes, gone once it has finished. */
import { expect, test } from '@playwright/test';
import { connect } from '@/db/client';
import { BulkLoadRecord } from '@/server/importer/bulk-load';
import { admin } from './support/staff';
import { signIn } from './support/session';
import { e2e } from './support/env';

test('a running demo load shows "Loading demo history: 42 %" on every page, and the banner goes when it finishes', async ({ page }) => {
  test.setTimeout(120_000);
  const pool = connect(e2e.databaseUrl, { max: 1, appName: 'll-e2e-banner' });
  const record = new BulkLoadRecord(pool.db, 'demo');
  try {
    await record.start(31_000);
    await record.progress(13_020);
    await signIn(page, admin);
    await page.goto('/');
    const banner = page.getByTestId('bulk-load-banner');
    await expect(banner).toContainText('Loading demo history: 42 % …', { timeout: 30_000 });
    await expect(banner).toContainText('13,020 of 31,000 events written');

    await record.progress(27_900);
    await expect(banner).toContainText('Loading demo history: 90 % …', { timeout: 15_000 });
    await page.goto('/orders');
    await expect(banner).toContainText('90 %', { timeout: 30_000 });

    await record.progress(31_000);
    await record.finish();
    await expect(banner).toHaveCount(0, { timeout: 15_000 });
  } finally {
    await record.finish().catch(() => undefined);
    await pool.close();
  }
});
