// `status`: compares the working tree, the staging area and the latest generation, as git does.
import { join } from 'node:path';
import type { IgnoreRules } from '../ingest/ignore-rules.js';
import { equalBytes, sha256 } from '../core/digest.js';
import type { StagedEntry } from '../core/codecs/staging-codec.js';
import type { FileEntry } from '../core/types.js';
import {
  isStorable,
  lstatInProject,
  modeOf,
  readScanned,
  scanDirectory,
  scannedFile,
  type ScanResult,
  type ScannedFile,
} from '../ingest/scan.js';
import type { StatCacheEntry } from '../core/codecs/stat-cache-codec.js';
import { sameStat, type StatCache } from '../store/stat-cache.js';

export type StagedChange = 'added' | 'modified' | 'deleted';

export interface StatusResult {
  staged: Array<{ path: string; change: StagedChange }>;
  /** Tracked files whose content on disk differs from what is staged or committed. */
  modified: string[];
  /** Tracked files missing from disk. */
  deleted: string[];
  untracked: string[];
  /** Directories that could not be read: what they hold is neither reported deleted nor untracked. */
  unreadable: string[];
}

function sameAsDisk(f: ScannedFile, e: FileEntry | StagedEntry, cached?: StatCacheEntry): boolean {
  if (f.size !== e.size || modeOf(f) !== e.mode) return false; // a type or exec-bit change is a change too
  // Stat cache: a file whose stat key equals the one recorded when this content was read is not re-read.
  if ('stat' in e && sameStat(f, { ...e.stat, size: e.size })) return true;
  if (cached && equalBytes(cached.hash, e.hash) && sameStat(f, cached)) return true;
  return equalBytes(sha256(readScanned(f)), e.hash);
}

export function computeStatus(
  projectRoot: string,
  head: ReadonlyMap<string, FileEntry>,
  staging: readonly StagedEntry[],
  statCache: Pick<StatCache, 'get'>,
  rules: IgnoreRules,
): StatusResult {
  const staged: StatusResult['staged'] = [];
  // The staged entries over the latest generation, without copying it (100,000 entries for nothing).
  const stagedBy = new Map(staging.map((e) => [e.path, e]));
  const trackedAt = (p: string): FileEntry | StagedEntry | undefined => {
    const s = stagedBy.get(p);
    return s ? (s.deleted ? undefined : s) : head.get(p);
  };
  for (const e of staging) {
    const before = head.get(e.path);
    if (e.deleted) {
      if (before) staged.push({ path: e.path, change: 'deleted' });
    } else staged.push({ path: e.path, change: before ? 'modified' : 'added' });
  }
  const scan: ScanResult = { files: [], skipped: [] };
  scanDirectory(projectRoot, projectRoot, true, scan, rules);
  const onDisk = new Set<string>();
  const modified: string[] = [];
  const untracked: string[] = [];
  for (const f of scan.files) {
    onDisk.add(f.rel);
    const t = trackedAt(f.rel);
    if (!t) untracked.push(f.rel);
    else if (!sameAsDisk(f, t, statCache.get(f.rel))) modified.push(f.rel);
  }
  // A tracked file stays tracked when a rule would ignore it (as in git): look for it directly.
  const deleted: string[] = [];
  const unreadable = (scan.failed ?? []).map((f) => f.rel);
  const unknown = (p: string) => unreadable.some((u) => u === '.' || p.startsWith(`${u}/`));
  for (const p of eachTracked(head, stagedBy)) {
    if (onDisk.has(p) || unknown(p)) continue;
    const t = trackedAt(p)!;
    const st = lstatInProject(projectRoot, p); // never through a symbolic link on the way
    if (!st || !isStorable(st)) deleted.push(p);
    else if (!sameAsDisk(scannedFile(join(projectRoot, p), p, st), t, statCache.get(p))) modified.push(p);
  }
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  staged.sort((a, b) => byPath(a.path, b.path));
  return {
    staged,
    modified: modified.sort(byPath),
    deleted: deleted.sort(byPath),
    untracked: untracked.sort(byPath),
    unreadable,
  };
}

/** Every tracked path once: the latest generation's not staged as deleted, then those only staged. */
function* eachTracked(
  head: ReadonlyMap<string, FileEntry>,
  staged: ReadonlyMap<string, StagedEntry>,
): Generator<string> {
  for (const p of head.keys()) if (!staged.get(p)?.deleted) yield p;
  for (const [p, e] of staged) if (!e.deleted && !head.has(p)) yield p;
}
