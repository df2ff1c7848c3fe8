// The stat cache rule (docs/format.md, "Stat cache"): a file is taken as unchanged without reading it only
// when size, mtime, ctime and inode all equal what was recorded when its content was read. ctime cannot be
// set from user space, so restoring an old mtime after changing a file (`touch -d`) is still caught.
// A key is only recorded when the file's mtime is safely older than the moment we read it ("racy git"):
// otherwise a change in the same timestamp tick could go unseen.
import { readFileSync } from 'node:fs';
import {
  decodeStatCache,
  encodeStatCache,
  mergeStatCache,
  type StatCacheEntry,
  type StatCacheUpdate,
} from '../core/codecs/stat-cache-codec.js';
import type { StatKey } from '../core/codecs/staging-codec.js';
import { sortByPath } from '../core/paths.js';
import { writeFileAtomic } from './fs-utils.js';

export interface StatLike extends StatKey {
  size: number;
}

/** How long before a read a file's mtime must be for its stat key to be trusted later. */
export function racyMarginMs(mtimeMs: number): number {
  // Whole-second mtimes suggest a coarse file system (FAT, some network mounts): be careful there.
  return mtimeMs % 1000 === 0 ? 2000 : 50;
}

export function isCacheable(st: StatLike, readStartedAt: number): boolean {
  return st.mtimeMs < readStartedAt - racyMarginMs(st.mtimeMs) && st.ctimeMs < readStartedAt - racyMarginMs(st.ctimeMs);
}

export function sameStat(a: StatLike, b: StatLike): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

export function loadStatCache(file: string): Map<string, StatCacheEntry> {
  try {
    return new Map(decodeStatCache(readFileSync(file), file).map((e) => [e.path, e]));
  } catch {
    // Missing or damaged: it is only a cache; files will simply be read again.
    return new Map();
  }
}

export function saveStatCache(file: string, entries: Iterable<StatCacheEntry>): void {
  writeFileAtomic(file, encodeStatCache(sortByPath([...entries])));
}

/**
 * Applies `updates` (one per path) to the stat cache file: kept records are copied, not decoded, so a small
 * commit into a large store does not rebuild the whole cache through objects (codec: mergeStatCache).
 */
export function updateStatCacheFile(file: string, updates: StatCacheUpdate[]): void {
  let old: Buffer | undefined;
  try {
    old = readFileSync(file);
  } catch {
    // missing: created now
  }
  writeFileAtomic(file, mergeStatCache(old, sortByPath(updates)));
}
