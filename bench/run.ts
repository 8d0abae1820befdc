/**
 * `npm run bench`: every benchmark, one after the other (they must not share the machine), quick
 * sizes by default; `npm run bench -- --full` for the sizes docs/benchmarks.md reports;
 * `npm run bench -- --only rebuild` for one of them.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const full = process.argv.includes('--full');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const benches: { name: string; quick: string[] }[] = [
  { name: 'commands', quick: ['--runs', '1', '--seconds', '5', '--no-http'] },
  { name: 'demo-load', quick: ['--days', '7', '--users', '300'] },
  { name: 'rebuild', quick: ['--events', '200000', '--runs', '1'] },
  { name: 'revenue', quick: ['--orders', '50000', '--runs', '5'] },
  { name: 'freshness', quick: ['--rate', '100', '--seconds', '5'] },
  { name: 'http', quick: ['--runs', '1', '--seconds', '5'] },
];

let failed = 0;
for (const b of benches.filter((x) => !only || x.name === only)) {
  console.log(`\n==> bench/${b.name}.ts ${full ? '' : b.quick.join(' ')}`);
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [`bench/${b.name}.ts`, ...(full ? [] : b.quick)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    console.log(`==> bench/${b.name}.ts exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
