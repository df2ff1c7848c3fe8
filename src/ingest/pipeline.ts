// The ingest pipeline: batches of small files → read + FastCDC + SHA-256 + compression in the worker pool
// (each worker opens and reads the files of its batch); large files → read in blocks on the main thread,
// cut and hashed in the workers → dedup and append (main thread, the single writer). Backpressure is by bytes in flight, not by job count, so
// memory stays flat whether the input is 100k tiny files or one 5 GiB file.
import { availableParallelism } from 'node:os';
import { closeSync, openSync } from 'node:fs';
import { DigstoreError } from '../core/errors.js';
import { chunkRoot } from '../core/roots.js';
import type { ChunkRef, ChunkingParams } from '../core/types.js';
import type { ChunkWriter } from './chunk-writer.js';
import { readStored, unpackBatch } from './cpu-task.js';
import { ByteReader } from '../core/bytes.js';
import type { CompressionName } from '../core/compression.js';
import type { BatchReply, HashReply, StreamReply } from './jobs.js';
import type { ProgressEvent } from './progress.js';
import { readInto } from './read-batch.js';
import type { ScannedFile } from './scan.js';
import { WorkerPool } from './worker-pool.js';
import { SlabPool } from './slab-pool.js';

export interface PipelineOptions {
  params: ChunkingParams;
  /** Per-chunk compression, done in the CPU stage (default none). */
  compression?: CompressionName;
  /** Worker threads for the CPU stage; 0 runs it in-process. */
  workers: number | 'auto';
  /** Files per batch; adaptive (from the average file size) when undefined. */
  batchSize?: number;
  /** Bytes an adaptive batch aims at (config: small_files.batch_size × small_files.chunk_avg). */
  targetBatchBytes: number;
  minBatch: number;
  maxBatch: number;
  /** Files above this size are streamed in blocks and never held whole. */
  streamingThreshold: number;
  blockSize?: number;
  maxInFlightBytes?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface IngestedFile {
  file: ScannedFile;
  size: number;
  hash: Uint8Array;
  chunkRoot: Uint8Array;
  chunks: ChunkRef[];
}

export interface PipelineResult {
  done: IngestedFile[];
  failed: Array<{ rel: string; reason: string }>;
}

const MAX_BATCH_BYTES = 8 << 20;

/**
 * Files per batch: as many as make `targetBytes` at the average size of the small files, between min and max.
 * A batch is one message to a worker and one back, so tiny files go in big batches and larger ones in small.
 */
export function adaptiveBatchSize(
  files: readonly ScannedFile[],
  targetBytes: number,
  min: number,
  max: number,
): number {
  if (files.length === 0) return min;
  const avg = Math.max(1, files.reduce((a, f) => a + f.size, 0) / files.length);
  return Math.min(max, Math.max(min, Math.round(targetBytes / avg)));
}

/** Starting workers costs ~30 ms each: tiny adds run in-process (the result is identical either way). */
function workerCount(opt: number | 'auto', totalBytes: number, files: number): number {
  if (opt !== 'auto') return opt;
  if (totalBytes < 4 << 20 && files < 1000) return 0;
  return Math.max(1, availableParallelism());
}

export async function runPipeline(
  files: readonly ScannedFile[],
  writer: ChunkWriter,
  opts: PipelineOptions,
): Promise<PipelineResult> {
  const started = performance.now();
  // Files larger than one block are streamed even below the configured threshold: reading them whole gains
  // nothing and would make memory grow with the file size.
  const blockSize = Math.max(opts.blockSize ?? 8 << 20, opts.params.large.maxSize, opts.params.medium.maxSize);
  const streamAbove = Math.min(opts.streamingThreshold, blockSize);
  const small = files.filter((f) => f.size <= streamAbove);
  const large = files.filter((f) => f.size > streamAbove);
  const bytesTotal = files.reduce((a, f) => a + f.size, 0);
  const batchSize = opts.batchSize ?? adaptiveBatchSize(small, opts.targetBatchBytes, opts.minBatch, opts.maxBatch);
  // Room before each block for the bytes carried over from the previous one (always < maxSize, and a block
  // is at least maxSize, so the carry never spans more than the one previous block).
  const prefix = Math.max(opts.params.large.maxSize, opts.params.medium.maxSize);
  const maxInFlight = opts.maxInFlightBytes ?? 16 << 20;
  const pool = new WorkerPool(workerCount(opts.workers, bytesTotal, files.length));
  const slabs = new SlabPool();
  const shared = new SlabPool(true);
  const done: IngestedFile[] = [];
  const failed: PipelineResult['failed'] = [];
  let filesDone = 0,
    bytesDone = 0,
    inFlightBytes = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const progress = () =>
    opts.onProgress?.({
      type: 'progress',
      phase: 'add',
      filesDone,
      filesTotal: files.length,
      bytesDone,
      bytesTotal,
      elapsedMs: performance.now() - started,
    });
  const checkAbort = () => {
    if (failure !== undefined) throw failure;
    if (opts.signal?.aborted) throw new DigstoreError('INTERRUPTED', 'interrupted; nothing was staged');
  };
  /** Waits until `bytes` more fit in the budget (one job always fits, however large). */
  const room = async (bytes: number) => {
    while (inFlight.size > 0 && inFlightBytes + bytes > maxInFlight) await Promise.race(inFlight);
    checkAbort();
  };
  // A failed job is recorded (so it is never an unhandled rejection) and rethrown at the next checkpoint.
  const track = (bytes: number, p: Promise<void>) => {
    inFlightBytes += bytes;
    const t: Promise<void> = p
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => {
        inFlightBytes -= bytes;
        inFlight.delete(t);
      });
    inFlight.add(t);
  };

  const sendBatch = async (batch: ScannedFile[]) => {
    const bytes = batch.reduce((a, f) => a + f.size, 0);
    await room(bytes);
    const job = {
      kind: 'batch' as const,
      paths: batch.map((f) => f.abs),
      slab: slabs.get(bytes),
      sizes: Uint32Array.from(batch, (f) => f.size),
      params: opts.params,
      compression: opts.compression ?? 'none',
    };
    track(
      bytes,
      pool.run(job).then((r) => {
        const reply = r as BatchReply;
        const read: Array<{ file: ScannedFile; size: number }> = [];
        batch.forEach((f, i) => {
          if (reply.sizes[i] < 0) {
            failed.push({ rel: f.rel, reason: reply.errors[i] });
            filesDone++;
          } else
            read.push({ file: reply.sizes[i] === f.size ? f : { ...f, size: reply.sizes[i] }, size: reply.sizes[i] });
        });
        const results = unpackBatch(reply.packed, read.length);
        let off = 0;
        for (let i = 0; i < read.length; i++) {
          const res = results[i];
          const chunks = res.lengths.map((len, k) => {
            const ref = writer.put(res.hashes[k], reply.slab.subarray(off, off + len), res.stored[k]);
            off += len;
            return ref;
          });
          done.push({ file: read[i].file, size: read[i].size, hash: res.hash, chunkRoot: res.chunkRoot, chunks });
          filesDone++;
          bytesDone += read[i].size;
        }
        slabs.release(reply.slab);
        progress();
      }),
    );
  };

  /**
   * A large file: blocks are read into shared buffers; worker A cuts and hashes chunks (sequential by
   * nature: it carries the bytes after the last cut into the next block's prefix), worker B computes the
   * whole-file hash at the same time, and the main thread writes new chunks straight from the buffers.
   */
  const sendLarge = async (f: ScannedFile, fileId: number) => {
    let fd: number;
    try {
      fd = openSync(f.abs, 'r');
    } catch (e) {
      failed.push({ rel: f.rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      filesDone++;
      return;
    }
    const cutter = pool.pick();
    const hasher = pool.other(cutter);
    const chunks: ChunkRef[] = [];
    const hashes: Uint8Array[] = [];
    // A block's buffer goes back to the pool when its hash job is done and the NEXT block has been cut
    // (the cutter copies the carried bytes out of it then). Counted per buffer.
    const refs = new Map<ArrayBufferLike, number>();
    const release = (b: Uint8Array) => {
      const n = (refs.get(b.buffer) ?? 1) - 1;
      if (n > 0) refs.set(b.buffer, n);
      else {
        refs.delete(b.buffer);
        shared.release(b);
      }
    };
    let prev: Uint8Array | undefined;
    let fileHash: Uint8Array | undefined;
    let pos = 0;
    try {
      for (let last = false; !last; ) {
        const want = Math.min(blockSize, f.size - pos);
        await room(want);
        const buf = shared.get(prefix + want);
        const n = readInto(fd, buf, prefix, want, pos);
        pos += n;
        last = n < want || pos >= f.size;
        refs.set(buf.buffer, 2);
        const cut = pool
          .run(
            {
              kind: 'stream',
              fileId,
              size: f.size,
              buf,
              prefix,
              length: n,
              last,
              params: opts.params,
              compression: opts.compression ?? 'none',
            },
            cutter,
          )
          .then((r) => {
            const reply = r as StreamReply;
            let off = prefix - reply.carry;
            const stored = new ByteReader(reply.stored, 'worker result');
            for (let k = 0; k < reply.lengths.length; k++) {
              const len = reply.lengths[k];
              const h = reply.hashes.subarray(k * 32, k * 32 + 32);
              chunks.push(writer.put(h, buf.subarray(off, off + len), readStored(stored)));
              hashes.push(h);
              off += len;
            }
            if (prev) release(prev);
            prev = last ? undefined : buf;
            if (last) release(buf);
            bytesDone += n;
            progress();
          });
        const hash = pool
          .run({ kind: 'hash', fileId, block: buf.subarray(prefix, prefix + n), last }, hasher)
          .then((r) => {
            if ((r as HashReply).fileHash) fileHash = (r as HashReply).fileHash;
            release(buf);
          });
        track(
          n,
          Promise.all([cut, hash]).then(() => {
            if (last) {
              done.push({
                file: f,
                size: pos,
                hash: fileHash!,
                chunkRoot: chunkRoot(
                  hashes,
                  chunks.map((c) => c.length),
                ),
                chunks,
              });
              filesDone++;
            }
          }),
        );
      }
    } finally {
      closeSync(fd);
    }
  };

  try {
    let batch: ScannedFile[] = [];
    let batchBytes = 0;
    for (const f of small) {
      if (batch.length >= batchSize || (batch.length > 0 && batchBytes + f.size > MAX_BATCH_BYTES)) {
        await sendBatch(batch);
        batch = [];
        batchBytes = 0;
      }
      batch.push(f);
      batchBytes += f.size;
    }
    if (batch.length > 0) await sendBatch(batch);
    let id = 0;
    for (const f of large) await sendLarge(f, id++);
    while (inFlight.size > 0) await Promise.race(inFlight);
    checkAbort();
    return { done, failed };
  } catch (e) {
    await Promise.allSettled(inFlight);
    throw e;
  } finally {
    await pool.close();
  }
}
