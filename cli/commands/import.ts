import { connect } from '@/db/client';
import { importCrud, type ImportReport } from '@/server/importer/crud';
import { waitForProjections } from '@/server/importer/catch-up';
import { UsageError, type CliCommand } from '../command';
import { intOption } from './demo';

export const importCrudCommand: CliCommand = {
  path: ['import', 'crud'],
  summary:
    'Imports a plain CRUD shop database (users, products, orders, order_items) as history with its original times; resumable, and a second run adds nothing. See docs/crud-import.md.',
  options: {
    from: { description: 'the legacy database URL (postgres://…); it is only read', required: true },
    concurrency: { description: 'commands in flight at once (default 8)' },
  },
  async run(opts, ctx) {
    const from = opts.from!.trim();
    if (!/^postgres(ql)?:\/\//.test(from)) throw new UsageError(`--from must be a postgres:// URL, got "${from}"`);
    const concurrency = intOption(opts, 'concurrency', 8, 1, 64);
    const s = ctx.services();
    const pool = connect(s.env.DATABASE_URL, { max: concurrency, appName: 'ledgerline-import' });
    let report: ImportReport;
    try {
      report = await importCrud(pool.db, from, { concurrency, out: ctx.out });
    } finally {
      await pool.close();
    }
    for (const line of summary(report)) ctx.out(line);
    await waitForProjections(s, ctx.out);
    if (report.failures.length)
      throw new Error(
        `${report.failures.length} rows were not imported (listed above); fix them in the legacy database and run the import again.`,
      );
  },
};

export function summary(r: ImportReport): string[] {
  const t = (name: string, x: ImportReport['users']) =>
    `${name}: ${x.imported} imported, ${x.alreadyDone} already imported, ${x.failed} failed${x.skipped ? `, ${x.skipped} skipped` : ''} (of ${x.total})`;
  const lines = [t('users', r.users), t('products', r.products), t('orders', r.orders)];
  const statuses = Object.entries(r.skippedStatuses);
  if (statuses.length)
    lines.push(
      `Orders left out because of their status (only completed and cancelled orders are history): ${statuses.map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  if (r.totalMismatches)
    lines.push(`${r.totalMismatches} orders had a total_cents different from the sum of their lines; the lines were used.`);
  for (const f of r.failures.slice(0, 20)) lines.push(`  not imported: ${f.table} ${f.legacyId}: ${f.reason}`);
  if (r.failures.length > 20) lines.push(`  … and ${r.failures.length - 20} more`);
  lines.push(`Events: ${r.eventsBefore} before, ${r.eventsAfter} after (+${r.eventsAfter - r.eventsBefore}) in ${r.seconds.toFixed(1)} s.`);
  return lines;
}
