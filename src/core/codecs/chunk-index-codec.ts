// Chunk index sidecar `{storeId}.idx`: every chunk stored in the archive, sorted by hash, for dedup and
// lookups by binary search without building a map. It is a cache: rebuilt from the layers' own chunk
// indexes whenever it is missing, damaged or does not match the archive's current generation.
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGCHIDX"
//  8       2     VERSION (1)
//  10      8     sequence number of the archive generation it reflects
//  18      8     committed length of that generation
//  26      4     entry count n
//  30      49×n  chunk refs sorted by hash (hash 32, offset u64, length u32, stored length u32, codec u8)
//  end-32  32    checksum: SHA-256 of every byte before it
import { ByteReader, ByteWriter } from '../bytes.js';
import { CorruptDataError } from '../errors.js';
import type { ChunkRef } from '../types.js';
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

export const CHUNK_INDEX_MAGIC = magic('DIGCHIDX');
export const CHUNK_INDEX_VERSION = 1;
export const CHUNK_INDEX_HEADER = 30;

export interface ChunkIndexFile {
  seq: number;
  committedLength: number;
  /** The sorted 49-byte records, not decoded into objects (100k chunks stay one buffer). */
  records: Uint8Array;
  count: number;
}

/** `sorted` must be sorted by hash with no duplicates. */
export function encodeChunkIndex(seq: number, committedLength: number, sorted: readonly ChunkRef[]): Buffer {
  const w = new ByteWriter(sorted.length * CHUNK_REF_SIZE + 16);
  for (const c of sorted) writeChunkRef(w, c);
  return encodeChunkIndexRecords(seq, committedLength, w.finish());
}

/** Same, from records already in their 49-byte form (used when merging without decoding). */
export function encodeChunkIndexRecords(seq: number, committedLength: number, records: Uint8Array): Buffer {
  const w = new ByteWriter(CHUNK_INDEX_HEADER + records.length + 32);
  writePrologue(w, CHUNK_INDEX_MAGIC, CHUNK_INDEX_VERSION);
  w.u64(seq)
    .u64(committedLength)
    .u32(records.length / CHUNK_REF_SIZE)
    .bytes(records);
  return finishWithChecksum(w);
}

export function decodeChunkIndex(data: Uint8Array, what = 'chunk index'): ChunkIndexFile {
  const bodyLen = verifyChecksum(data, what, CHUNK_INDEX_HEADER);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, CHUNK_INDEX_MAGIC, CHUNK_INDEX_VERSION);
  const seq = r.u64();
  const committedLength = r.u64();
  const count = r.count(CHUNK_REF_SIZE);
  if (count * CHUNK_REF_SIZE !== r.remaining) throw new CorruptDataError(`${what}: size does not match the count`);
  const records = r.bytes(count * CHUNK_REF_SIZE);
  // Binary search depends on strict order; a damaged order must not silently hide chunks.
  for (let i = 1; i < count; i++) {
    const a = records.subarray((i - 1) * CHUNK_REF_SIZE, (i - 1) * CHUNK_REF_SIZE + 32);
    const b = records.subarray(i * CHUNK_REF_SIZE, i * CHUNK_REF_SIZE + 32);
    if (Buffer.compare(a, b) >= 0) throw new CorruptDataError(`${what}: entries out of order`);
  }
  return { seq, committedLength, records, count };
}

/** Decodes record i of a decoded index. */
export function chunkRefAt(file: ChunkIndexFile, i: number): ChunkRef {
  return readChunkRef(new ByteReader(file.records, 'chunk index', i * CHUNK_REF_SIZE, (i + 1) * CHUNK_REF_SIZE));
}
