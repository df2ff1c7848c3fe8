// Our own architecture rule, checked: imports in src/ only go downward
//   cli → serve → api → worktree → ingest | retrieve | remote → store → chunking → core
// (a folder may import its own files and any folder below it, never one above it or a sibling on its floor),
// and the import graph has no cycle. Imports are read with TypeScript's own pre-processor, not a regex.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', '..', 'src');
const FLOORS: Record<string, number> = {
  core: 0,
  chunking: 1,
  store: 2,
  ingest: 3,
  retrieve: 3,
  remote: 3,
  worktree: 4,
  api: 5,
  serve: 6,
  cli: 7,
};
const ORDER = 'cli → serve → api → worktree → ingest | retrieve | remote → store → chunking → core';

/** Every .ts file under src/ (relative, with forward slashes) and the src files it imports. */
function importGraph(root = SRC): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts'),
  );
  for (const file of files.map((f) => f.split('\\').join('/'))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const local = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) =>
        relative(root, resolve(root, dirname(file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts'),
      );
    graph.set(file, local);
  }
  return graph;
}

/** The floor of a file: its top folder's, or the package entry's (src/index.ts re-exports the api). */
function floorOf(file: string): { folder: string; floor: number } {
  const folder = file.includes('/') ? file.split('/')[0] : 'api';
  const floor = FLOORS[folder];
  if (floor === undefined)
    throw new Error(
      `src/${file}: folder '${folder}' has no place in the architecture (${ORDER}); add it to test/rules/imports.test.ts`,
    );
  return { folder, floor };
}

/** Human-readable violations of the downward rule. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = floorOf(file);
    for (const dep of deps) {
      const to = floorOf(dep);
      if (to.folder === from.folder || to.floor < from.floor) continue;
      out.push(
        `src/${file} imports src/${dep}: ${from.folder} may not import ${to.folder} (imports only go downward: ${ORDER})`,
      );
    }
  }
  return out;
}

/** Every cycle found by a depth-first search, each as the chain of files that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].map((x) => `src/${x}`).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('architecture rules', () => {
  const graph = importGraph();

  it('src/ has files on every floor it uses, and every import resolves to a file in src/', () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !graph.has(d) && !d.endsWith('.generated.ts')).map((d) => `src/${f} imports missing src/${d}`),
    );
    expect(missing).toEqual([]);
  });

  it(`imports only go downward (${ORDER})`, () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('the import graph has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the checker itself catches an upward import and a cycle', () => {
    const bad = new Map([
      ['core/a.ts', ['api/b.ts']],
      ['api/b.ts', ['core/a.ts']],
    ]);
    expect(upwardImports(bad)).toEqual([
      expect.stringMatching(/^src\/core\/a\.ts imports src\/api\/b\.ts: core may not import api/),
    ]);
    expect(cycles(bad)).toEqual(['src/core/a.ts → src/api/b.ts → src/core/a.ts']);
  });
});
