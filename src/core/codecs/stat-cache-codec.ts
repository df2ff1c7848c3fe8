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
import { checkDecodedPath } from '../paths.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';
import type { StatKey } from './staging-codec.js';

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
