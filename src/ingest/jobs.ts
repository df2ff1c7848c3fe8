// Messages between the pipeline and its CPU workers, and the one handler that runs them — in a worker
// thread, or in-process when `workers: 0`. Buffers travel as transferred ArrayBuffers, never copied.
import { createHash, type Hash } from 'node:crypto';
import type { ChunkingParams } from '../core/types.js';
import { ByteWriter } from '../core/bytes.js';
import type { CompressionName } from '../core/compression.js';
import { processBatch, StreamChunker, writeStored } from './cpu-task.js';
import { readFilesInto } from './read-batch.js';

/**
 * Files to chunk and hash: with `paths`, read first into the recycled `slab` (up to their scanned `sizes`);
 * without, `slab` already holds them back to back (`sizes` bytes each).
 */
export interface BatchJob {
  kind: 'batch';
  paths?: string[];
  /** Per path, 1 for a symbolic link (its target is read, never followed). */
  links?: Uint8Array;
  slab: Uint8Array;
  /** Per file its scanned size, or READ_UNKNOWN: the reader fstat-s it (read-batch.ts). */
  sizes: Int32Array;
  /** An unstatted file larger than this is not read but returned (READ_DEFERRED): it is streamed instead. */
  maxSize?: number;
  params: ChunkingParams;
  compression: CompressionName;
}

export interface StreamJob {
  kind: 'stream';
  fileId: number;
  size: number;
  /** A shared buffer: `prefix` bytes of room for the carried bytes, then `length` bytes of the block. */
  buf: Uint8Array;
  prefix: number;
  length: number;
  last: boolean;
  params: ChunkingParams;
  compression: CompressionName;
}

/** Whole-file SHA-256 of a streamed file, fed the same shared blocks on another thread. */
export interface HashJob {
  kind: 'hash';
  fileId: number;
  block: Uint8Array;
  last: boolean;
}

export type Job = BatchJob | StreamJob | HashJob;

export interface BatchReply {
  kind: 'batch';
  /** Results of the files that were read, in order (cpu-task.ts unpackBatch). */
  packed: Uint8Array;
  slab: Uint8Array;
  /** Bytes read per file; -1 where `errors` says why it could not be read; READ_DEFERRED (see read-batch.ts). */
  sizes: Int32Array;
  errors: string[];
  /** The fstat of each file sent as READ_UNKNOWN (deferred-stat.ts STAT_FIELDS per file). */
  stats?: Float64Array;
}

export interface StreamReply {
  kind: 'stream';
  /** Bytes of the previous block(s) the reported chunks start with. */
  carry: number;
  lengths: Uint32Array;
  hashes: Uint8Array;
  /** Per chunk: codec u8, and for compressed chunks stored length u32 + bytes (cpu-task.ts writeStored). */
  stored: Uint8Array;
}

export interface HashReply {
  kind: 'hash';
  fileHash?: Uint8Array;
}

export type Reply = BatchReply | StreamReply | HashReply;

/** The reply each kind of job gets: `pool.run(job)` is typed by it, so no caller casts. */
export interface ReplyByKind {
  batch: BatchReply;
  stream: StreamReply;
  hash: HashReply;
}
export type ReplyFor<J extends Job> = ReplyByKind[J['kind']];

/** Per-thread state: the open streams of large files routed to this thread. */
export interface JobState {
  chunkers: Map<number, StreamChunker>;
  hashes: Map<number, Hash>;
}

export const newJobState = (): JobState => ({ chunkers: new Map(), hashes: new Map() });

/** A buffer that owns its whole ArrayBuffer, so it can be transferred without taking neighbours along. */
function own(u: Uint8Array): Uint8Array {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : new Uint8Array(u);
}

export function handleJob(job: Job, state: JobState): Reply {
  if (job.kind === 'batch') {
    const read = job.paths
      ? readFilesInto(job.paths, job.sizes, job.slab, job.links, job.maxSize)
      : { sizes: Int32Array.from(job.sizes), errors: Array.from(job.sizes, () => ''), used: job.slab.length };
    const okSizes = Array.from(read.sizes).filter((n) => n >= 0);
    const packed = own(processBatch(job.slab.subarray(0, read.used), okSizes, job.params, job.compression));
    return { kind: 'batch', packed, slab: job.slab, sizes: read.sizes, errors: read.errors, stats: read.stats };
  }
  if (job.kind === 'hash') {
    let h = state.hashes.get(job.fileId);
    if (!h) {
      h = createHash('sha256');
      state.hashes.set(job.fileId, h);
    }
    h.update(job.block);
    if (!job.last) return { kind: 'hash' };
    state.hashes.delete(job.fileId);
    return { kind: 'hash', fileHash: own(h.digest()) };
  }
  let s = state.chunkers.get(job.fileId);
  if (!s) {
    s = new StreamChunker(job.size, job.params, job.compression);
    state.chunkers.set(job.fileId, s);
  }
  const r = s.push(job.buf, job.prefix, job.length, job.last);
  if (job.last) state.chunkers.delete(job.fileId);
  const hashes = new Uint8Array(r.hashes.length * 32);
  for (const [i, h] of r.hashes.entries()) hashes.set(h, i * 32);
  const w = new ByteWriter(r.lengths.length + 64);
  for (const st of r.stored) writeStored(w, st);
  return { kind: 'stream', carry: r.carry, lengths: Uint32Array.from(r.lengths), hashes, stored: own(w.finish()) };
}

/** The ArrayBuffers a message can hand over instead of copying (shared buffers are shared, not moved). */
export function transferables(m: Job | Reply): ArrayBuffer[] {
  const list: ArrayBufferLike[] = [];
  if (m.kind === 'batch') list.push(m.slab.buffer, ...('packed' in m ? [m.packed.buffer, m.sizes.buffer] : []));
  else if (m.kind === 'stream' && 'lengths' in m) list.push(m.lengths.buffer, m.hashes.buffer, m.stored.buffer);
  else if (m.kind === 'hash' && 'fileHash' in m && m.fileHash) list.push(m.fileHash.buffer);
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
}
