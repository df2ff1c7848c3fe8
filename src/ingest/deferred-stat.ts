// Files a scan found by their directory entry without an lstat (scan.ts, SIZE_UNKNOWN). For a fresh add of
// many small files the workers fstat what they open, in parallel, instead of the main thread making one lstat
// per file before anything is read (a sixth of a 20k-file add's main thread). The main thread still stats
// the files the stat cache may skip, and every file of an add too small to be worth the workers.
import { lstatSync } from 'node:fs';
import { osPath } from '../core/path-bytes.js';
import { isStorable, type ScannedFile, SIZE_UNKNOWN } from './scan.js';

/** Below this many deferred files, they are all stat-ed on the main thread (the add runs in-process anyway). */
export const DEFER_MIN_FILES = 1000;

/** Fields per file in a worker's stat record: size, st_mode, mtimeMs, ctimeMs, ino. */
export const STAT_FIELDS = 5;

export const isDeferred = (f: ScannedFile): boolean => f.size === SIZE_UNKNOWN;

/** Fills in a deferred file's stat from record `i` of a worker's `stats` (see STAT_FIELDS). */
export function applyStat(f: ScannedFile, stats: Float64Array, i: number): void {
  const at = i * STAT_FIELDS;
  f.setStat({
    size: stats[at],
    mode: stats[at + 1],
    mtimeMs: stats[at + 2],
    ctimeMs: stats[at + 3],
    ino: stats[at + 4],
  });
}

/**
 * lstat of the deferred files `pick` names, on this thread: one after another is the fastest way here (on
 * libuv's thread pool, many at once, the same 100,000 lstats took 1.6× the wall time and 2.6× the CPU).
 * Returns the files to go on with, those stat-ed complete: one that vanished, or is no longer a file or link
 * since the scan, goes to `failed` instead.
 */
export function statDeferred(
  files: readonly ScannedFile[],
  pick: (f: ScannedFile) => boolean,
  failed: Array<{ rel: string; reason: string }>,
): ScannedFile[] {
  const out: ScannedFile[] = [];
  for (const f of files) {
    if (!isDeferred(f) || !pick(f)) {
      out.push(f);
      continue;
    }
    try {
      const st = lstatSync(osPath(f.abs));
      if (!isStorable(st)) {
        failed.push({ rel: f.rel, reason: 'no longer a regular file or symbolic link; run add again' });
        continue;
      }
      f.setStat(st);
      f.link = st.isSymbolicLink();
      out.push(f);
    } catch (e) {
      failed.push({ rel: f.rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    }
  }
  return out;
}

/**
 * Stats the deferred files that need it before anything is read: those `needsStat` names (a stat cache entry
 * could skip them), or all of them when there are fewer than DEFER_MIN_FILES (a small add runs in-process).
 */
export function statWhereNeeded(
  files: readonly ScannedFile[],
  needsStat: (f: ScannedFile) => boolean,
  failed: Array<{ rel: string; reason: string }>,
): ScannedFile[] {
  let deferred = 0;
  for (const f of files) if (isDeferred(f)) deferred++;
  const all = deferred < DEFER_MIN_FILES;
  return statDeferred(files, (f) => all || needsStat(f), failed);
}
