// `status`: compares the working tree, the staging area and the latest generation, as git does.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { equalBytes, sha256 } from '../core/digest.js';
import type { StagedEntry } from '../core/codecs/staging-codec.js';
import type { FileEntry } from '../core/types.js';
import { scanDirectory, type ScanResult } from '../ingest/scan.js';

export type StagedChange = 'added' | 'modified' | 'deleted';

export interface StatusResult {
  staged: Array<{ path: string; change: StagedChange }>;
  /** Tracked files whose content on disk differs from what is staged or committed. */
  modified: string[];
  /** Tracked files missing from disk. */
  deleted: string[];
  untracked: string[];
}

function sameAsDisk(abs: string, e: FileEntry | StagedEntry): boolean {
  const st = statSync(abs);
  if (st.size !== e.size) return false;
  // Stat cache: an entry staged from this very file (same inode, mtime and ctime) needs no re-read.
  if ('stat' in e && e.stat.ino === st.ino && e.stat.mtimeMs === st.mtimeMs && e.stat.ctimeMs === st.ctimeMs) return true;
  return equalBytes(sha256(readFileSync(abs)), e.hash);
}

export function computeStatus(projectRoot: string, head: ReadonlyMap<string, FileEntry>, staging: readonly StagedEntry[]): StatusResult {
  const staged: StatusResult['staged'] = [];
  const tracked = new Map<string, FileEntry | StagedEntry>(head);
  for (const e of staging) {
    const before = head.get(e.path);
    if (e.deleted) {
      tracked.delete(e.path);
      if (before) staged.push({ path: e.path, change: 'deleted' });
    } else {
      tracked.set(e.path, e);
      staged.push({ path: e.path, change: before ? 'modified' : 'added' });
    }
  }
  const scan: ScanResult = { files: [], skipped: [] };
  scanDirectory(projectRoot, projectRoot, true, scan);
  const onDisk = new Set<string>();
  const modified: string[] = [];
  const untracked: string[] = [];
  for (const f of scan.files) {
    onDisk.add(f.rel);
    const t = tracked.get(f.rel);
    if (!t) untracked.push(f.rel);
    else if (!sameAsDisk(join(projectRoot, f.rel), t)) modified.push(f.rel);
  }
  const deleted = [...tracked.keys()].filter((p) => !onDisk.has(p));
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  staged.sort((a, b) => byPath(a.path, b.path));
  return { staged, modified: modified.sort(byPath), deleted: deleted.sort(byPath), untracked: untracked.sort(byPath) };
}
