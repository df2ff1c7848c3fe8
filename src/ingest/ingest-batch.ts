// Small files, many per job: a worker opens and reads a batch into a recycled slab, chunks, hashes and
// compresses it; the main thread (the single writer) then stores the new chunks straight from the slab.
import { unpackBatch } from './cpu-task.js';
import { applyStat, isDeferred } from './deferred-stat.js';
import type { BatchJob, BatchReply } from './jobs.js';
import type { PipelineRun } from './pipeline-run.js';
import { READ_DEFERRED } from './read-batch.js';
import type { ScannedFile } from './scan.js';

/**
 * Hands `batch` to a worker once its bytes fit in the budget; its results are stored when they arrive. A batch
 * of unstatted files gets a slab of `capacity` bytes: the worker reads the files that fit, returns the others.
 */
export async function sendBatch(run: PipelineRun, batch: readonly ScannedFile[], capacity?: number): Promise<void> {
  const bytes = capacity ?? batch.reduce((a, f) => a + f.size, 0);
  await run.budget.room(bytes);
  const job: BatchJob = {
    kind: 'batch',
    paths: batch.map((f) => f.abs),
    links: Uint8Array.from(batch, (f) => (f.link ? 1 : 0)),
    slab: run.slabs.get(bytes),
    sizes: Int32Array.from(batch, (f) => f.size),
    maxSize: run.streamAbove,
    params: run.opts.params,
    compression: run.opts.compression ?? 'none',
  };
  run.budget.track(
    bytes,
    run.pool.run(job).then((reply) => storeBatch(run, batch, reply)),
  );
}

/**
 * Records files that could not be read, writes the chunks of the others straight from the slab, and recycles
 * the slab once they are written (the budget counts the batch until then).
 */
function storeBatch(run: PipelineRun, batch: readonly ScannedFile[], reply: BatchReply): Promise<void> {
  const read: Array<{ file: ScannedFile; size: number }> = [];
  for (const [i, f] of batch.entries()) {
    const size = reply.sizes[i];
    if (isDeferred(f) && reply.stats && (size >= 0 || size === READ_DEFERRED)) {
      applyStat(f, reply.stats, i);
      run.learn(f.size);
    }
    if (size === READ_DEFERRED) run.requeue.push(f);
    else if (size < 0) {
      run.result.failed.push({ rel: f.rel, reason: reply.errors[i] });
      run.count(1, 0);
    } else read.push({ file: f, size }); // a size other than the stat's: changed meanwhile, no stat key kept
  }
  const results = unpackBatch(reply.packed, read.length);
  let off = 0;
  for (const [i, { file, size }] of read.entries()) {
    const res = results[i];
    const chunks = res.lengths.map((len, k) => {
      const ref = run.writer.put(res.hashes[k], reply.slab.subarray(off, off + len), res.stored[k], true);
      off += len;
      return ref;
    });
    run.onFile({ file, size, hash: res.hash, chunkRoot: res.chunkRoot, chunks });
    run.count(1, size);
  }
  run.progress();
  return run.writer.flush().then(() => run.slabs.release(reply.slab));
}

/** Groups small files into batches of at most `batchSize` files and `maxBytes` bytes (one file always fits). */
export function* batches(files: readonly ScannedFile[], batchSize: number, maxBytes: number): Generator<ScannedFile[]> {
  let batch: ScannedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (batch.length >= batchSize || (batch.length > 0 && bytes + f.size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(f);
    bytes += f.size;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Batches of unstatted files: as many per batch as make `targetBytes` at the average size seen so far (a guess
 * of 4 KiB before any), formed as they are sent, and the slab room for each (twice the expected bytes).
 */
export function* unstattedBatches(
  run: PipelineRun,
  files: readonly ScannedFile[],
  maxBytes: number,
): Generator<{ batch: ScannedFile[]; capacity: number }> {
  const { targetBatchBytes, minBatch, maxBatch, batchSize } = run.opts;
  for (let i = 0; i < files.length; ) {
    const avg = Math.max(1, run.averageLearned() ?? 4096);
    const n = batchSize ?? filesPerBatch(targetBatchBytes, avg, minBatch, maxBatch);
    const capacity = Math.min(maxBytes, Math.max(256 << 10, 2 * n * avg));
    yield { batch: files.slice(i, i + n), capacity };
    i += n;
  }
}

/** As many files as make `targetBytes` at `avgSize` bytes each, between `min` and `max`. */
export function filesPerBatch(targetBytes: number, avgSize: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(targetBytes / Math.max(1, avgSize))));
}
