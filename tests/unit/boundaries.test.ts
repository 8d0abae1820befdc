/**
 * The import boundaries of docs/architecture.md are enforced by `npx eslint .`. Each file in
 * tests/lint-fixtures/ (kept out of the linted globs and of tsc) is linted as if it lived at its
 * `lint-as` path: every line marked `// boundary` must be reported by no-restricted-imports, and
 * no line marked `// allowed`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'tests/lint-fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => /\.tsx?$/.test(f))
  .sort();
const eslint = new ESLint({ cwd: root });

function marked(code: string, mark: 'boundary' | 'allowed'): number[] {
  return code.split('\n').flatMap((line, i) => (line.trimEnd().endsWith(`// ${mark}`) ? [i + 1] : []));
}

describe('import boundaries', () => {
  it('has a fixture for each boundary', () => {
    expect(fixtures).toEqual([
      'bench-imports-tests.ts',
      'component-imports-server-runtime.tsx',
      'domain-imports-a-database.ts',
      'server-imports-outer-layers.ts',
    ]);
  });

  it.each(fixtures)('%s: eslint reports exactly the imports that cross a boundary', async (file) => {
    const code = readFileSync(path.join(dir, file), 'utf8');
    const lintAs = /^\/\/ lint-as: (\S+)/.exec(code)?.[1];
    expect(lintAs, 'the fixture names the path it is linted as').toBeTruthy();
    const [result] = await eslint.lintText(code, { filePath: path.join(root, lintAs!) });
    const restricted = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(restricted.map((m) => m.line)).toEqual(marked(code, 'boundary'));
    expect(marked(code, 'boundary').length).toBeGreaterThan(0);
    expect(marked(code, 'allowed').length).toBeGreaterThan(0);
    expect(result!.messages.filter((m) => m.severity === 2 && m.ruleId !== 'no-restricted-imports')).toEqual([]);
  });
});
