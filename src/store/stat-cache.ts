// The stat cache rule (docs/format.md, "Stat cache"): a file is taken as unchanged without reading it only
// when size, mtime, ctime and inode all equal what was recorded when its content was read. ctime cannot be
// set from user space, so restoring an old mtime after changing a file (`touch -d`) is still caught.
// A key is only recorded when the file's mtime is safely older than the moment we read it ("racy git"):
// otherwise a change in the same timestamp tick could go unseen.
import { readFileSync } from 'node:fs';
import {
  mergeStatCache,
  type StatCacheEntry,
  type StatCacheUpdate,
  StatCacheView,
} from '../core/codecs/stat-cache-codec.js';
import type { StatKey } from '../core/codecs/staging-codec.js';
import { sortByPath } from '../core/paths.js';
import type { Indexed } from '../core/types.js';
import { writeFileAtomic } from './fs-utils.js';
import type { HeadFiles } from './head-files.js';

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

/**
 * The stat cache of a store: what the file holds (read without an object per entry) plus this run's
 * changes, saved by merging the changes into the file's records (mergeStatCache). A missing or damaged
 * file is an empty cache: files are simply read again.
 */
export class StatCache {
  private readonly changes = new Map<string, StatCacheEntry>();

  private constructor(private readonly stored?: StatCacheView) {}

  /** With `head` (the latest generation), only its paths' records are looked up, through its own index. */
  static load(file: string, head?: HeadFiles): StatCache {
    try {
      return new StatCache(new StatCacheView(readFileSync(file), file, head));
    } catch {
      return new StatCache();
    }
  }

  get(path: string): StatCacheEntry | undefined {
    return this.changes.get(path) ?? this.stored?.get(path);
  }

  has(path: string): boolean {
    return this.changes.has(path) || (this.stored?.has(path) ?? false);
  }

  set(path: string, entry: StatCacheEntry): void {
    this.changes.set(path, entry);
  }

  /** Writes the cache with this run's changes (nothing to do without any). */
  save(file: string): void {
    if (this.changes.size > 0)
      writeMerged(file, this.stored?.data, sortByPath([...this.changes].map(([path, entry]) => ({ path, entry }))));
  }
}

/**
 * Applies `updates` (one per path, sorted by path) to the stat cache file: kept records are copied, not decoded,
 * so a small commit into a large store does not rebuild the whole cache through objects (codec: mergeStatCache).
 */
export function updateStatCacheFile(file: string, updates: Indexed<StatCacheUpdate>): void {
  let old: Buffer | undefined;
  try {
    old = readFileSync(file);
  } catch {
    // missing: created now
  }
  writeMerged(file, old, updates);
}

function writeMerged(file: string, old: Uint8Array | undefined, updates: Indexed<StatCacheUpdate>): void {
  writeFileAtomic(file, mergeStatCache(old, updates));
}
