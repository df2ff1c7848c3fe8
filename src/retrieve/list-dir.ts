// Directories of a generation, which stores only files: a directory is the run of paths sharing its prefix, and
// since paths sort by their bytes that run is contiguous. Listing one reads its direct children only — after a
// subdirectory's first entry it jumps past the whole subtree (every path under `sub/` sorts before `sub0`,
// '0' being the byte after '/'), so listing the top of a million-file tree costs its children, not its files.
import { type FileEntry, MODE_LINK } from '../core/types.js';
import type { CompleteSetView } from '../store/delta-window.js';

export interface DirEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** Files and links: their size, hash and mode. */
  size?: number;
  hash?: Uint8Array;
  mode?: number;
}

const afterSubtree = (dirPath: string) => `${dirPath}0`; // '0' (0x30) follows '/' (0x2f)

/** Whether `path` ('' for the top) is a directory of the generation: some file lies under it. */
export function isDirectory(view: CompleteSetView, path: string): boolean {
  if (path === '') return view.count > 0;
  const prefix = `${path}/`;
  const at = view.lowerBound(prefix);
  return at < view.count && view.window(at, at + 1)[0].path.startsWith(prefix);
}

function entryOf(name: string, f: FileEntry): DirEntry {
  const type = f.mode === MODE_LINK ? 'symlink' : 'file';
  return { name, type, size: f.size, hash: f.hash, mode: f.mode };
}

/** The direct children of directory `path` ('' for the top), in path order; at most `limit` of them. */
export function listDirectory(view: CompleteSetView, path: string, limit = Number.POSITIVE_INFINITY): DirEntry[] {
  const prefix = path === '' ? '' : `${path}/`;
  const out: DirEntry[] = [];
  let i = view.lowerBound(prefix);
  while (i < view.count && out.length < limit) {
    const f = view.window(i, i + 1)[0];
    if (!f.path.startsWith(prefix)) break;
    const rest = f.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      out.push(entryOf(rest, f));
      i++;
      continue;
    }
    const name = rest.slice(0, slash);
    out.push({ name, type: 'dir' });
    i = view.lowerBound(afterSubtree(prefix + name));
  }
  return out;
}
