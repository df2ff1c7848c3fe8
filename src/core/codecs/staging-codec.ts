// Staging file `{storeId}.staging`: what `add` recorded for the next commit. The chunk bytes themselves
// were already appended to the archive after its committed length; this file says where they are.
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGSTAGE"
//  8       2     VERSION (1)
//  10      8     base sequence: the archive generation this staging builds on
//  18      8     data start: archive offset where staged chunk data begins (= committed length)
//  26      8     data end: archive offset just past the last staged chunk byte
//  34      4     entry count, then entries sorted by path:
//                  path (u16 + UTF-8), flags u8 (bit 0 = deletion), mode u32, size u64,
//                  mtime ms f64, ctime ms f64, inode f64 (the stat cache key),
//                  file hash 32, chunk root 32, chunk count u32, chunk refs (49 bytes each)
//          4     new chunk count, then chunk refs of the chunks in [data start, data end), by offset
//  end-32  32    checksum: SHA-256 of every byte before it
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { checkDecodedPath } from '../paths.js';
import type { ChunkRef, FileEntry } from '../types.js';
import {
  CHUNK_REF_SIZE,
  finishWithChecksum,
  magic,
  readChunkRef,
  readPrologue,
  verifyChecksum,
  writeChunkRef,
  writePrologue,
} from './common.js';

export const STAGING_MAGIC = magic('DIGSTAGE');
export const STAGING_VERSION = 1;
const MIN_ENTRY = 2 + 1 + 4 + 8 + 24 + 64 + 4;

export interface StatKey {
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface StagedEntry extends FileEntry {
  stat: StatKey;
}

export interface Staging {
  baseSeq: number;
  dataStart: number;
  dataEnd: number;
  entries: StagedEntry[];
  newChunks: ChunkRef[];
}

export function encodeStaging(s: Staging): Buffer {
  const w = new ByteWriter(1024 + s.entries.length * 200 + s.newChunks.length * CHUNK_REF_SIZE);
  writePrologue(w, STAGING_MAGIC, STAGING_VERSION);
  w.u64(s.baseSeq).u64(s.dataStart).u64(s.dataEnd).u32(s.entries.length);
  for (const e of s.entries) {
    w.path16(e.path)
      .u8(e.deleted ? 1 : 0)
      .u32(e.mode)
      .u64(e.size);
    w.f64(e.stat.mtimeMs).f64(e.stat.ctimeMs).f64(e.stat.ino);
    w.bytes(e.hash).bytes(e.chunkRoot).u32(e.chunks.length);
    for (const c of e.chunks) writeChunkRef(w, c);
  }
  w.u32(s.newChunks.length);
  for (const c of s.newChunks) writeChunkRef(w, c);
  return finishWithChecksum(w);
}

export function decodeStaging(data: Uint8Array, what = 'staging file'): Staging {
  const bodyLen = verifyChecksum(data, what, 38);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, STAGING_MAGIC, STAGING_VERSION);
  const baseSeq = r.u64();
  const dataStart = r.u64();
  const dataEnd = r.u64();
  if (dataEnd < dataStart) throw new CorruptDataError(`${what}: data end before data start`);
  const n = r.count(MIN_ENTRY);
  const entries: StagedEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const path = checkDecodedPath(r.path16(), what);
    const flags = r.u8();
    const mode = r.u32();
    const size = r.u64();
    const stat = { mtimeMs: r.f64(), ctimeMs: r.f64(), ino: r.f64() };
    const hash = r.bytes(HASH_SIZE);
    const chunkRoot = r.bytes(HASH_SIZE);
    const k = r.count(CHUNK_REF_SIZE);
    const chunks: ChunkRef[] = new Array(k);
    for (let j = 0; j < k; j++) chunks[j] = readChunkRef(r);
    const e: StagedEntry = { path, mode, size, stat, hash, chunkRoot, chunks };
    if (flags & 1) e.deleted = true;
    entries[i] = e;
  }
  const m = r.count(CHUNK_REF_SIZE);
  const newChunks: ChunkRef[] = new Array(m);
  for (let j = 0; j < m; j++) newChunks[j] = readChunkRef(r);
  r.expectEnd();
  return { baseSeq, dataStart, dataEnd, entries, newChunks };
}
