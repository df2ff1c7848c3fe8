// Chunk index sidecar `{storeId}.idx`: every chunk stored in the archive, by hash, for dedup and lookups by
// binary search without building a map. It is a cache: what it lacks is read from the layers' own chunk
// indexes, and a damaged or foreign one is rebuilt from them.
//
// Version 2: the file is a sequence of runs, each sorted by hash and checksummed on its own. A commit appends
// one run with its new chunks (O(new chunks), not a rewrite of every chunk the store holds), and runs are
// merged as they grow so there are O(log n) of them (store/chunk-index.ts). One run:
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGCHIDX"
//  8       2     VERSION (2)
//  10      8     from: the generation the runs before this one reach (0 for the first run)
//  18      8     seq: the generation this run brings the index to
//  26      8     committed length of generation seq
//  34      32    record checksum of layer seq's record (zeros for seq 0): which archive this run describes
//  66      4     entry count n
//  70      49×n  chunk refs sorted by hash (hash 32, offset u64, length u32, stored length u32, codec u8)
//  end-32  32    checksum: SHA-256 of every byte of the run before it
// Version 1 (one run, no from/record checksum) is not read: it is rebuilt as version 2.
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { CHUNK_REF_SIZE, finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const CHUNK_INDEX_MAGIC = magic('DIGCHIDX');
export const CHUNK_INDEX_VERSION = 2;
export const CHUNK_RUN_HEADER = 70;

export interface ChunkRunHeader {
  from: number;
  seq: number;
  committedLength: number;
  recordChecksum: Uint8Array;
}

export interface ChunkRun extends ChunkRunHeader {
  /** The sorted 49-byte records, not decoded into objects (100k chunks stay one buffer). */
  records: Uint8Array;
  count: number;
  /** Where the run starts in the file and how long it is. */
  offset: number;
  length: number;
}

/** One run of records already in their 49-byte form, sorted by hash with no duplicates. */
export function encodeChunkRun(h: ChunkRunHeader, records: Uint8Array): Buffer {
  const w = new ByteWriter(CHUNK_RUN_HEADER + records.length + HASH_SIZE);
  writePrologue(w, CHUNK_INDEX_MAGIC, CHUNK_INDEX_VERSION);
  w.u64(h.from).u64(h.seq).u64(h.committedLength).bytes(h.recordChecksum);
  w.u32(records.length / CHUNK_REF_SIZE).bytes(records);
  return finishWithChecksum(w);
}

/** The length of the run whose header starts `head` (at least CHUNK_RUN_HEADER bytes). */
export function chunkRunLength(head: Uint8Array): number {
  return CHUNK_RUN_HEADER + Buffer.from(head.buffer, head.byteOffset, 70).readUInt32LE(66) * CHUNK_REF_SIZE + HASH_SIZE;
}

/** The run at `offset` of `data`, checked (checksum, header, strict order). */
export function decodeChunkRun(data: Uint8Array, offset: number, what = 'chunk index'): ChunkRun {
  if (data.length - offset < CHUNK_RUN_HEADER + HASH_SIZE) throw new CorruptDataError(`${what}: truncated run`);
  const length = chunkRunLength(data.subarray(offset));
  if (offset + length > data.length) throw new CorruptDataError(`${what}: truncated run`);
  const run = data.subarray(offset, offset + length);
  const bodyLen = verifyChecksum(run, what, CHUNK_RUN_HEADER);
  const r = new ByteReader(run, what, 0, bodyLen);
  readPrologue(r, CHUNK_INDEX_MAGIC, CHUNK_INDEX_VERSION);
  const from = r.u64();
  const seq = r.u64();
  const committedLength = r.u64();
  const recordChecksum = r.bytes(HASH_SIZE);
  const count = r.u32();
  if (from > seq || count * CHUNK_REF_SIZE !== r.remaining) throw new CorruptDataError(`${what}: bad run header`);
  const records = r.bytes(count * CHUNK_REF_SIZE);
  // Binary search depends on strict order; a damaged order must not silently hide chunks.
  for (let i = 1; i < count; i++) {
    const a = records.subarray((i - 1) * CHUNK_REF_SIZE, (i - 1) * CHUNK_REF_SIZE + 32);
    const b = records.subarray(i * CHUNK_REF_SIZE, i * CHUNK_REF_SIZE + 32);
    if (Buffer.compare(a, b) >= 0) throw new CorruptDataError(`${what}: entries out of order`);
  }
  return { from, seq, committedLength, recordChecksum, records, count, offset, length };
}

/**
 * The runs of a whole file, in order, as far as they are intact and follow on from each other (a run torn by a
 * crash, and anything after it, is left out: the caller catches up from the archive).
 */
export function decodeChunkRuns(data: Uint8Array, what = 'chunk index'): ChunkRun[] {
  const runs: ChunkRun[] = [];
  for (let at = 0; at < data.length; ) {
    let run: ChunkRun;
    try {
      run = decodeChunkRun(data, at, what);
    } catch {
      break;
    }
    if (run.from !== (runs.at(-1)?.seq ?? 0)) break;
    runs.push(run);
    at += run.length;
  }
  return runs;
}
