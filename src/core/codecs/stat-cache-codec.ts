// Stat cache `{storeId}.stat`: for committed files, the stat key seen when their content was last read,
// so `add` and `status` can skip re-reading files that did not change (as git's index does).
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGSTATC"
//  8       2     VERSION (1)
//  10      4     entry count, then entries sorted by path:
//                  path (u16 + UTF-8), size u64, mtime ms f64, ctime ms f64, inode f64,
//                  file hash 32 (the content this key stands for)
//  end-32  32    checksum: SHA-256 of every byte before it
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { encodePath } from '../path-bytes.js';
import { checkDecodedPath } from '../paths.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';
import type { StatKey } from './staging-codec.js';
import type { Indexed } from '../types.js';

export const STAT_CACHE_MAGIC = magic('DIGSTATC');
export const STAT_CACHE_VERSION = 1;

export interface StatCacheEntry extends StatKey {
  path: string;
  size: number;
  hash: Uint8Array;
}

export function encodeStatCache(entries: readonly StatCacheEntry[]): Buffer {
  const w = new ByteWriter(64 + entries.length * 100);
  writePrologue(w, STAT_CACHE_MAGIC, STAT_CACHE_VERSION);
  w.u32(entries.length);
  for (const e of entries) w.path16(e.path).u64(e.size).f64(e.mtimeMs).f64(e.ctimeMs).f64(e.ino).bytes(e.hash);
  return finishWithChecksum(w);
}

export function decodeStatCache(data: Uint8Array, what = 'stat cache'): StatCacheEntry[] {
  const bodyLen = verifyChecksum(data, what, 14);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, STAT_CACHE_MAGIC, STAT_CACHE_VERSION);
  const n = r.count(2 + 8 + 24 + HASH_SIZE);
  const out: StatCacheEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      path: checkDecodedPath(r.path16(), what),
      size: r.u64(),
      mtimeMs: r.f64(),
      ctimeMs: r.f64(),
      ino: r.f64(),
      hash: r.bytes(HASH_SIZE),
    };
  }
  r.expectEnd();
  return out;
}

/** A change to the stat cache: the new record for `path`, or its removal (`entry` undefined). */
export interface StatCacheUpdate {
  path: string;
  entry?: StatCacheEntry;
}

const RECORD_FIXED = 8 + 24 + HASH_SIZE;

/**
 * The encoded stat cache `old` with `updates` (sorted by path, one per path) applied. Kept records are copied
 * byte for byte, never decoded: a one-file commit in a 100,000-file store rewrote the whole cache through
 * 100,000 objects. An `old` that does not verify counts as empty (it is only a cache).
 */
export function mergeStatCache(old: Uint8Array | undefined, updates: Indexed<StatCacheUpdate>): Buffer {
  const bounds = recordBounds(old);
  const buf = old ? Buffer.from(old.buffer, old.byteOffset, old.byteLength) : Buffer.alloc(0);
  const w = new ByteWriter(64 + (old?.length ?? 0) + updates.length * 100);
  writePrologue(w, STAT_CACHE_MAGIC, STAT_CACHE_VERSION);
  const countAt = w.length;
  w.u32(0);
  let count = 0;
  let u = 0;
  const emit = (e: StatCacheEntry | undefined) => {
    if (!e) return;
    w.path16(e.path).u64(e.size).f64(e.mtimeMs).f64(e.ctimeMs).f64(e.ino).bytes(e.hash);
    count++;
  };
  // Each update is fetched once (it may be made on demand) and its path encoded once.
  let cur = updates.length > 0 ? updates.at(0) : undefined;
  let next = cur && encodePath(cur.path);
  const take = () => {
    emit(cur?.entry);
    cur = ++u < updates.length ? updates.at(u) : undefined;
    next = cur && encodePath(cur.path);
  };
  for (let i = 0; i < bounds.length; i += 3) {
    const path = buf.subarray(bounds[i] + 2, bounds[i] + 2 + bounds[i + 1]);
    while (next && Buffer.compare(next, path) < 0) take();
    if (next && Buffer.compare(next, path) === 0)
      take(); // replaced or removed
    else {
      w.bytes(buf.subarray(bounds[i], bounds[i + 2]));
      count++;
    }
  }
  while (next) take();
  w.patchU32(countAt, count);
  return finishWithChecksum(w);
}

/**
 * Where each record of an encoded stat cache lies: start, path length and end, 3 numbers a record, all checked
 * before any is used; none when `data` is missing, damaged or of another version (rebuilt from now on).
 */
function recordBounds(data: Uint8Array | undefined): Uint32Array {
  if (!data) return new Uint32Array(0);
  try {
    const r = new ByteReader(data, 'stat cache', 0, verifyChecksum(data, 'stat cache', 14));
    readPrologue(r, STAT_CACHE_MAGIC, STAT_CACHE_VERSION);
    const n = r.count(2 + RECORD_FIXED);
    const out = new Uint32Array(n * 3);
    for (let i = 0; i < n; i++) {
      out[i * 3] = r.pos;
      const len = r.u16();
      r.bytes(len + RECORD_FIXED);
      out[i * 3 + 1] = len;
      out[i * 3 + 2] = r.pos;
    }
    r.expectEnd();
    return out;
  } catch {
    return new Uint32Array(0);
  }
}

/**
 * A decoded stat cache without an object per entry: one map from path to where its record lies, fields read
 * from the bytes when asked (`status` and `add` of 100,000 files held 100,000 objects, four numbers and a
 * hash view each, for the whole run). The checksum is verified before anything is trusted.
 */
export class StatCacheView {
  private readonly at = new Map<string, number>();
  /** With `rows`: each row's record offset (-1: none), instead of a second map of the same paths. */
  private readonly byRow?: Float64Array;
  private readonly view: DataView;
  readonly size: number;

  /**
   * With `rows` (the latest generation's path → row, store/head-files.ts), only the records of its paths are
   * kept, by row: the only ones a lookup can use (a skip needs the committed entry), without a map of their own.
   */
  constructor(
    readonly data: Uint8Array,
    what = 'stat cache',
    private readonly rows?: { rowOf(path: string): number | undefined; readonly rowCount: number },
  ) {
    const r = new ByteReader(data, what, 0, verifyChecksum(data, what, 14));
    readPrologue(r, STAT_CACHE_MAGIC, STAT_CACHE_VERSION);
    const n = r.count(2 + RECORD_FIXED);
    const byRow = rows && new Float64Array(rows.rowCount).fill(-1);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const path = checkDecodedPath(r.path16(), what);
      const at = r.pos;
      r.bytes(RECORD_FIXED);
      // With rows, a path no longer committed is not kept: no lookup can use it (it stays in the file).
      const row = byRow ? rows?.rowOf(path) : undefined;
      if (!byRow) this.at.set(path, at);
      else if (row !== undefined) byRow[row] = at;
      else continue;
      kept++;
    }
    r.expectEnd();
    this.byRow = byRow;
    this.size = kept;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private offsetOf(path: string): number | undefined {
    if (!this.rows || !this.byRow) return this.at.get(path);
    const row = this.rows.rowOf(path);
    const p = row === undefined ? -1 : this.byRow[row];
    return p < 0 ? undefined : p;
  }

  has(path: string): boolean {
    return this.offsetOf(path) !== undefined;
  }

  get(path: string): StatCacheEntry | undefined {
    const p = this.offsetOf(path);
    if (p === undefined) return undefined;
    const v = this.view;
    return {
      path,
      size: v.getUint32(p, true) + v.getUint32(p + 4, true) * 0x1_0000_0000,
      mtimeMs: v.getFloat64(p + 8, true),
      ctimeMs: v.getFloat64(p + 16, true),
      ino: v.getFloat64(p + 24, true),
      hash: this.data.subarray(p + 32, p + 32 + HASH_SIZE),
    };
  }
}
