// Sorted-run sidecars: caches in the store's home that answer "where is this key" by binary search without
// building a map, and that a commit appends to instead of rewriting. Two kinds, one layout:
//   `{storeId}.idx`   MAGIC "DIGCHIDX": every chunk stored in the archive, by hash (dedup); records are chunk
//                     refs, 49 bytes: hash 32, offset u64, length u32, stored length u32, codec u8
//   `{storeId}.roots` MAGIC "DIGROOTS": every generation's root hash (`--at ROOT`); records are 36 bytes:
//                     root 32, generation u32
// A file is a sequence of runs, each sorted by its records' first 32 bytes and checksummed on its own. A commit
// appends one run with its new records, and runs are merged as they grow so there are O(log n) of them
// (store/sorted-runs-file.ts). They are caches: what one lacks is read from the archive, and a damaged or
// foreign one is rebuilt. One run:
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC
//  8       2     VERSION (2)
//  10      8     from: the generation the runs before this one reach (0 for the first run)
//  18      8     seq: the generation this run brings the file to
//  26      8     committed length of generation seq
//  34      32    record checksum of layer seq's record (zeros for seq 0): which archive this run describes
//  66      4     record count n
//  70      r×n   records sorted by their first 32 bytes, no two with the same key
//  end-32  32    checksum: SHA-256 of every byte of the run before it
// Version 1 of the chunk index (one run, no from/record checksum) is not read: it is rebuilt.
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { CHUNK_REF_SIZE, finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const RUNS_VERSION = 2;
export const RUN_HEADER = 70;

/** What a sidecar holds: its magic and record size. */
export interface RunKind {
  magic: Uint8Array;
  recordSize: number;
}

export const CHUNK_RUNS: RunKind = { magic: magic('DIGCHIDX'), recordSize: CHUNK_REF_SIZE };
export const ROOT_RUNS: RunKind = { magic: magic('DIGROOTS'), recordSize: 36 };

export interface RunHeader {
  from: number;
  seq: number;
  committedLength: number;
  recordChecksum: Uint8Array;
}

export interface SortedRun extends RunHeader {
  /** The sorted records, not decoded into objects (100k chunks stay one buffer). */
  records: Uint8Array;
  count: number;
  /** Where the run starts in the file and how long it is. */
  offset: number;
  length: number;
}

/** One run of records already in their binary form, sorted by key with no duplicates. */
export function encodeRun(kind: RunKind, h: RunHeader, records: Uint8Array): Buffer {
  const w = new ByteWriter(RUN_HEADER + records.length + HASH_SIZE);
  writePrologue(w, kind.magic, RUNS_VERSION);
  w.u64(h.from).u64(h.seq).u64(h.committedLength).bytes(h.recordChecksum);
  w.u32(records.length / kind.recordSize).bytes(records);
  return finishWithChecksum(w);
}

/** The length of the run whose header starts `head` (at least RUN_HEADER bytes). */
export function runLength(kind: RunKind, head: Uint8Array): number {
  return (
    RUN_HEADER + Buffer.from(head.buffer, head.byteOffset, RUN_HEADER).readUInt32LE(66) * kind.recordSize + HASH_SIZE
  );
}

/** The run at `offset` of `data`, checked (checksum, header, strict order). */
export function decodeRun(kind: RunKind, data: Uint8Array, offset: number, what = 'sidecar'): SortedRun {
  const size = kind.recordSize;
  if (data.length - offset < RUN_HEADER + HASH_SIZE) throw new CorruptDataError(`${what}: truncated run`);
  const length = runLength(kind, data.subarray(offset));
  if (offset + length > data.length) throw new CorruptDataError(`${what}: truncated run`);
  const run = data.subarray(offset, offset + length);
  const bodyLen = verifyChecksum(run, what, RUN_HEADER);
  const r = new ByteReader(run, what, 0, bodyLen);
  readPrologue(r, kind.magic, RUNS_VERSION);
  const from = r.u64();
  const seq = r.u64();
  const committedLength = r.u64();
  const recordChecksum = r.bytes(HASH_SIZE);
  const count = r.u32();
  if (from > seq || count * size !== r.remaining) throw new CorruptDataError(`${what}: bad run header`);
  const records = r.bytes(count * size);
  // Binary search depends on strict order; a damaged order must not silently hide chunks.
  // First 4 bytes as numbers, whole hashes compared only on a tie (a Buffer.compare each cost ~1 ms per 6k).
  const buf = Buffer.from(records.buffer, records.byteOffset, records.byteLength);
  for (let i = 1, prev = count > 0 ? buf.readUInt32BE(0) : 0; i < count; i++) {
    const at = i * size;
    const key = buf.readUInt32BE(at);
    if (key < prev || (key === prev && buf.compare(buf, at - size, at - size + 32, at, at + 32) <= 0))
      throw new CorruptDataError(`${what}: entries out of order`);
    prev = key;
  }
  return { from, seq, committedLength, recordChecksum, records, count, offset, length };
}

/**
 * The runs of a whole file, in order, as far as they are intact and follow on from each other (a run torn by a
 * crash, and anything after it, is left out: the caller catches up from the archive).
 */
export function decodeRuns(kind: RunKind, data: Uint8Array, what = 'sidecar'): SortedRun[] {
  const runs: SortedRun[] = [];
  for (let at = 0; at < data.length; ) {
    let run: SortedRun;
    try {
      run = decodeRun(kind, data, at, what);
    } catch {
      break;
    }
    if (run.from !== (runs.at(-1)?.seq ?? 0)) break;
    runs.push(run);
    at += run.length;
  }
  return runs;
}
