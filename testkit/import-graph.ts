import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Specifiers of every static import, re-export and dynamic import() with a literal path. */
export function importsOf(code: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  const stmt = /^\s*(import|export)\s+(type\s+)?([^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of code.matchAll(stmt)) {
    if (m[1] === 'export' && !m[3]) continue;
    out.push({ spec: m[4]!, typeOnly: !!m[2] });
  }
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

/** Our file an import names (`@/x` or relative), or null for a package. */
export function resolveImport(root: string, from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('@/')) base = path.join(root, spec.slice(2));
  else if (spec.startsWith('.')) base = path.resolve(path.dirname(path.join(root, from)), spec);
  else return null;
  for (const candidate of [base, ...EXTENSIONS.map((e) => base + e)]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return path.relative(root, candidate);
  }
  return null;
}

/** The import graph of these files: file → the files it imports (type-only imports included unless told). */
export function importGraph(root: string, files: string[], opts: { types?: boolean } = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps = importsOf(readFileSync(path.join(root, file), 'utf8'))
      .filter((i) => opts.types !== false || !i.typeOnly)
      .map((i) => resolveImport(root, file, i.spec))
      .filter((f): f is string => f !== null);
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
