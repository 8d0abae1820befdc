/**
 * No file-level import cycles: every tracked TypeScript file's imports (type-only ones included)
 * form a graph without strongly connected components. A cycle makes module initialisation order
 * depend on who is imported first and hides which part depends on which.
 */
import { execSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, importsOf } from '@/testkit/import-graph';

const root = path.resolve(import.meta.dirname, '../..');

describe('the import graph', () => {
  it('finds a cycle when there is one (so the check below can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importsOf("import type { X } from './x';\nexport { y } from '@/y';\nconst z = await import('./z');")).toEqual([
      { spec: './x', typeOnly: true },
      { spec: '@/y', typeOnly: false },
      { spec: './z', typeOnly: false },
    ]);
  });

  it('has no cycle among the tracked files', () => {
    const files = execSync('git ls-files -co --exclude-standard "*.ts" "*.tsx"', { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('examples/') && !f.startsWith('tests/lint-fixtures/'));
    const graph = importGraph(root, files);
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('server/services.ts')).toContain('server/readside/wait.ts');
    expect(cycles(graph)).toEqual([]);
  });
});
