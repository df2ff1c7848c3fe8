// Generations from layers. A full layer lists a generation's every file; a delta layer lists only what
// changed since the previous generation (new or modified entries, and deletion markers). Generation n is
// the latest full layer at or before n with each later delta up to n applied: at most `delta_chain_limit`
// layer reads (docs/format.md, "Full and delta layers").
import { comparePaths } from '../core/paths.js';
import type { FileEntry } from '../core/types.js';
import type { Archive } from './archive.js';

/** The layers generation `n` is read from, oldest first: one full layer, then deltas. */
export function chainOf(archive: Archive, n: number): number[] {
  const chain: number[] = [];
  for (let k = n; k >= 1; k--) {
    chain.unshift(k);
    if (archive.layerEntry(k).type === 'full') return chain;
  }
  return chain; // only reachable for a damaged index: layer 1 is always full
}

/** A sorted file set with a sorted delta applied (entries replace, deletion markers remove). */
export function applyDelta(base: readonly FileEntry[], delta: readonly FileEntry[]): FileEntry[] {
  const out: FileEntry[] = [];
  let i = 0;
  for (const d of delta) {
    while (i < base.length && comparePaths(base[i].path, d.path) < 0) out.push(base[i++]);
    if (i < base.length && base[i].path === d.path) i++;
    if (!d.deleted) out.push(d);
  }
  while (i < base.length) out.push(base[i++]);
  return out;
}

/** The complete, sorted file set of generation `n`. */
export function generationFiles(archive: Archive, n: number): FileEntry[] {
  return alongChain(archive, n, (k) => archive.readLayer(k));
}

/**
 * Generation `n`'s files without their chunk refs (`chunks` empty): what comparing and listing need (status,
 * add, rm), never for writing a layer or reading content. Not cached: a 100k-file generation decodes in a
 * fraction of the time and memory of generationFiles.
 */
export function generationEntries(archive: Archive, n: number): FileEntry[] {
  return alongChain(archive, n, (k) => {
    const v = archive.layerView(k);
    return { type: v.type, files: v.allFiles(false) };
  });
}

/** Generation `n` from its chain: the full layer's files with each later delta applied. */
function alongChain(
  archive: Archive,
  n: number,
  read: (k: number) => { type: 'full' | 'delta'; files: FileEntry[] },
): FileEntry[] {
  if (n === 0) return [];
  let files: FileEntry[] = [];
  for (const k of chainOf(archive, n)) {
    const l = read(k);
    files = l.type === 'full' ? l.files : applyDelta(files, l.files);
  }
  return files;
}

/** The entry at `path` in generation `n`, reading layers newest first and stopping at the first mention. */
export function findEntry(archive: Archive, n: number, path: string): FileEntry | undefined {
  if (n === 0) return undefined;
  for (const k of chainOf(archive, n).reverse()) {
    const view = archive.layerView(k);
    const i = view.indexOf(path);
    if (i >= 0) {
      const e = view.fileAt(i);
      return e.deleted ? undefined : e;
    }
  }
  return undefined;
}
