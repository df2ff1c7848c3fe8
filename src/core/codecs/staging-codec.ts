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
//  34      4     entry count, then entries sorted by path (the records of staged-records.ts):
//                  path (u16 + UTF-8), flags u8 (bit 0 = deletion), mode u32, size u64,
//                  mtime ms f64, ctime ms f64, inode f64 (the stat cache key),
//                  file hash 32, chunk root 32, chunk count u32, chunk refs (49 bytes each)
//          4     new chunk count, then chunk refs of the chunks in [data start, data end), by offset
//  end-32  32    checksum: SHA-256 of every byte before it
//
// Decoding keeps the entries as records over the file's bytes (StagedRecords), not as objects.
import { ByteReader, ByteWriter } from '../bytes.js';
import { CorruptDataError } from '../errors.js';
import { checkDecodedPath } from '../paths.js';
import { sha256Stream } from '../digest.js';
import { CHUNK_REF_SIZE, magic, readPrologue, skipChunkRef, verifyChecksum, writePrologue } from './common.js';
import { ChunkRefTable } from './chunk-ref-table.js';
import { RECORD_FIXED, StagedRecords } from './staged-records.js';

export type { StagedEntry, StatKey } from './staged-records.js';

export const STAGING_MAGIC = magic('DIGSTAGE');
export const STAGING_VERSION = 1;

export interface Staging {
  baseSeq: number;
  dataStart: number;
  dataEnd: number;
  entries: StagedRecords;
  /** Packed (chunk-ref-table.ts): written and read as the bytes they are. */
  newChunks: ChunkRefTable;
}

/** Parts of about 1 MiB each, written out in turn. */
const PART = 1 << 20;

/**
 * The encoded staging file as a sequence of parts, the checksum last: a million staged entries are written
 * out without a second copy of them all in one buffer. Each part is a new buffer (safe to keep).
 */
export function* stagingParts(s: Staging): Generator<Uint8Array> {
  const hash = sha256Stream();
  let w = new ByteWriter(PART + 4096);
  const flush = (): Uint8Array => {
    const part = w.finish();
    hash.update(part);
    w = new ByteWriter(PART + 4096);
    return part;
  };
  writePrologue(w, STAGING_MAGIC, STAGING_VERSION);
  w.u64(s.baseSeq).u64(s.dataStart).u64(s.dataEnd).u32(s.entries.count);
  for (const i of s.entries.order()) {
    w.bytes(s.entries.record(i));
    if (w.length >= PART) yield flush();
  }
  w.u32(s.newChunks.length);
  for (const part of s.newChunks.parts()) {
    w.bytes(part);
    if (w.length >= PART) yield flush();
  }
  yield flush();
  yield hash.digest();
}

export function encodeStaging(s: Staging): Buffer {
  return Buffer.concat([...stagingParts(s)]);
}

export function decodeStaging(data: Uint8Array, what = 'staging file'): Staging {
  const bodyLen = verifyChecksum(data, what, 38);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, STAGING_MAGIC, STAGING_VERSION);
  const baseSeq = r.u64();
  const dataStart = r.u64();
  const dataEnd = r.u64();
  if (dataEnd < dataStart) throw new CorruptDataError(`${what}: data end before data start`);
  const n = r.count(RECORD_FIXED);
  const starts: number[] = new Array(n);
  const paths: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = r.pos;
    paths[i] = checkDecodedPath(r.path16(), what);
    r.need(RECORD_FIXED - 6);
    r.pos += RECORD_FIXED - 6;
    const k = r.count(CHUNK_REF_SIZE);
    for (let j = 0; j < k; j++) skipChunkRef(r);
  }
  const recordsEnd = r.pos;
  const m = r.count(CHUNK_REF_SIZE);
  const chunksStart = r.pos;
  for (let j = 0; j < m; j++) skipChunkRef(r);
  r.expectEnd();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    baseSeq,
    dataStart,
    dataEnd,
    entries: StagedRecords.view(buf.subarray(0, recordsEnd), starts, paths),
    newChunks: new ChunkRefTable(buf.subarray(chunksStart, r.pos)),
  };
}
