// The ingest pipeline: batches of small files → read + FastCDC + SHA-256 + compression in the worker pool
// (each worker opens and reads the files of its batch: ingest-batch.ts); large files → read in blocks on the
// main thread, cut and hashed in two workers at once (ingest-large.ts) → dedup and append on the main thread,
// the single writer. Backpressure is by bytes in flight (in-flight.ts), not by job count, so memory stays
// flat whether the input is 100k tiny files or one 5 GiB file.
import { availableParallelism } from 'node:os';
import { InFlightBudget } from './in-flight.js';
import { isDeferred } from './deferred-stat.js';
import { batches, filesPerBatch, sendBatch, unstattedBatches } from './ingest-batch.js';
import { sendLarge } from './ingest-large.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { IngestedFile, PipelineOptions, PipelineResult, PipelineRun } from './pipeline-run.js';
import type { ScannedFile } from './scan.js';
import { SlabPool } from './slab-pool.js';
import { WorkerPool } from './worker-pool.js';

export type { IngestedFile, PipelineOptions, PipelineResult } from './pipeline-run.js';

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
  const known = files.filter((f) => !isDeferred(f));
  if (known.length === 0) return min;
  return filesPerBatch(targetBytes, known.reduce((a, f) => a + f.size, 0) / known.length, min, max);
}

/**
 * Below this many bytes (and 1,000 files), `workers: 'auto'` runs on the main thread: starting the threads
 * costs more than they save (the result is identical either way).
 */
const INLINE_BYTES = 64 << 20;

function workerCount(opt: number | 'auto', totalBytes: number, files: number): number {
  if (opt !== 'auto') return opt;
  // Starting the threads costs more than they save below this (measured with the CLI: one 5 MiB file 0.38 s
  // with threads, 0.27 s without; 64 MiB 0.69 s against 0.62 s); many small files are where they pay.
  if (totalBytes < INLINE_BYTES && files < 1000) return 0;
  return Math.max(1, availableParallelism());
}

export async function runPipeline(
  files: readonly ScannedFile[],
  writer: ChunkWriter,
  opts: PipelineOptions,
  onFile: (f: IngestedFile) => void,
): Promise<PipelineResult> {
  // Files larger than one block are streamed even below the configured threshold: reading them whole gains
  // nothing and would make memory grow with the file size.
  const blockSize = Math.max(opts.blockSize ?? 8 << 20, opts.params.large.maxSize, opts.params.medium.maxSize);
  const streamAbove = Math.min(opts.streamingThreshold, blockSize);
  const unstatted = files.filter(isDeferred);
  const small = files.filter((f) => !isDeferred(f) && f.size <= streamAbove);
  const large = files.filter((f) => !isDeferred(f) && f.size > streamAbove);
  const run = startRun(files, writer, opts, blockSize, streamAbove, onFile);
  try {
    const batchSize = opts.batchSize ?? adaptiveBatchSize(small, opts.targetBatchBytes, opts.minBatch, opts.maxBatch);
    for (const batch of batches(small, batchSize, MAX_BATCH_BYTES)) await sendBatch(run, batch);
    if (unstatted.length > 0) {
      for (const { batch, capacity } of unstattedBatches(run, unstatted, MAX_BATCH_BYTES))
        await sendBatch(run, batch, capacity);
      await run.budget.drain(); // every worker has said which files it left for later
      const back = run.requeue.splice(0);
      const backSmall = back.filter((f) => f.size <= streamAbove);
      for (const batch of batches(backSmall, batchSize, MAX_BATCH_BYTES)) await sendBatch(run, batch);
      large.push(...back.filter((f) => f.size > streamAbove));
    }
    for (const [id, f] of large.entries()) await sendLarge(run, f, id);
    await run.budget.drain();
    return run.result;
  } catch (e) {
    await run.budget.settle();
    throw e;
  } finally {
    await run.pool.close();
  }
}

/** The shared state of one run: pools, budget, results, and the progress counters. */
function startRun(
  files: readonly ScannedFile[],
  writer: ChunkWriter,
  opts: PipelineOptions,
  blockSize: number,
  streamAbove: number,
  onFile: (f: IngestedFile) => void,
): PipelineRun {
  const started = performance.now();
  let bytesKnown = 0;
  let unstatted = 0;
  for (const f of files) {
    if (isDeferred(f)) unstatted++;
    else bytesKnown += f.size;
  }
  let learned = 0;
  let learnedBytes = 0;
  const average = () => (learned > 0 ? learnedBytes / learned : undefined);
  let filesDone = 0;
  let bytesDone = 0;
  return {
    opts,
    writer,
    blockSize,
    streamAbove,
    requeue: [],
    learn: (bytes) => {
      learned++;
      learnedBytes += bytes;
    },
    averageLearned: average,
    // Room before each block for the bytes carried over from the previous one (always < maxSize, and a block
    // is at least maxSize, so the carry never spans more than the one previous block).
    prefix: Math.max(opts.params.large.maxSize, opts.params.medium.maxSize),
    pool: new WorkerPool(workerCount(opts.workers, bytesKnown, files.length)),
    slabs: new SlabPool(),
    shared: new SlabPool(true),
    budget: new InFlightBudget(opts.maxInFlightBytes ?? 16 << 20, opts.signal),
    result: { failed: [] },
    onFile,
    count: (f, b) => {
      filesDone += f;
      bytesDone += b;
    },
    progress: () =>
      opts.onProgress?.({
        type: 'progress',
        phase: 'add',
        filesDone,
        filesTotal: files.length,
        bytesDone,
        // Files not stat-ed yet count at the average size of those that were.
        bytesTotal: bytesKnown + learnedBytes + Math.round((unstatted - learned) * (average() ?? 0)),
        elapsedMs: performance.now() - started,
      }),
  };
}
