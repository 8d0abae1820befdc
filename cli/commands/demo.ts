import { connect } from '@/db/client';
import { loadDemo } from '@/server/demo/load';
import { waitForProjections } from '@/server/importer/catch-up';
import { BulkLoadRecord, reportProgress } from '@/server/importer/bulk-load';
import { UsageError, type CliCommand } from '../command';

/** A whole number option within bounds, or a UsageError naming it. */
export function intOption(opts: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = opts[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/**
 * Whether a yes/no option is on. The CLI's options take values, so until it has bare flags
 * `--if-empty` turns it on.
 */
export function flagOption(opts: Record<string, string | undefined>, name: string): boolean {
  const raw = opts[name];
  return raw !== undefined && !['false', 'no', '0'].includes(raw.trim().toLowerCase());
}

export const demoLoad: CliCommand = {
  path: ['demo', 'load'],
  summary:
    'Writes a believable shop history (users, products, orders, restocks, logins) through the real commands; running it again adds nothing.',
  options: {
    days: { description: 'how many days back the history starts (default 90)' },
    users: { description: 'how many customers register (default 3000)' },
    orders: { description: 'how many orders they place (default: twice the users)' },
    seed: { description: 'another seed gives another history (default "ledgerline")' },
    batch: { description: 'commands per transaction (default 500); 1 runs each alone, --concurrency at a time' },
    concurrency: { description: 'with --batch 1: commands in flight at once (default 8)' },
    'if-empty': {
      description: 'load only when the event log is empty (or an earlier demo load was interrupted: then resume it)',
      flag: true,
    },
  },
  async run(opts, ctx) {
    const days = intOption(opts, 'days', 90, 1, 3650);
    const users = intOption(opts, 'users', 3000, 1, 1_000_000);
    const orders = intOption(opts, 'orders', users * 2, 0, 10_000_000);
    const concurrency = intOption(opts, 'concurrency', 8, 1, 64);
    const batchSize = intOption(opts, 'batch', 500, 1, 5000);
    const seed = opts.seed?.trim() || 'ledgerline';
    const s = ctx.services();
    // Its own pool, sized for the commands in flight (the CLI's shared one is small).
    const pool = connect(s.env.DATABASE_URL, { max: concurrency, appName: 'ledgerline-demo' });
    // The bulk_loads row is what the portal's banner shows (ops.loads); the terminal prints the same figure.
    const record = new BulkLoadRecord(pool.db, 'demo');
    const onProgress = reportProgress(record, 'demo history', ctx.out);
    try {
      // --if-empty leaves a log with events alone, unless they are an interrupted demo load's: every
      // command has a commandId from the seed, so running it again adds only what is missing.
      let ifEmpty = flagOption(opts, 'if-empty');
      if (ifEmpty && (await record.interrupted())) {
        ctx.out('An earlier demo load did not finish: resuming it (what it wrote already is skipped).');
        ifEmpty = false;
      }
      const result = await loadDemo(pool.db, { days, users, orders, seed, concurrency, batchSize, ifEmpty, out: ctx.out, onProgress });
      if (!result.loaded) return;
      await record.finish();
    } catch (err) {
      await record.finish(err instanceof Error ? err.message : String(err)).catch(() => undefined);
      throw err;
    } finally {
      await pool.close();
    }
    await waitForProjections(s, ctx.out);
  },
};
