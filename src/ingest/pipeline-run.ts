// What the stages of one pipeline run share (pipeline.ts builds it; ingest-batch.ts and ingest-large.ts use
// it): the options, the worker pool, buffer pools, the writer, the in-flight budget and the results so far.
import type { ChunkingParams, ChunkRef } from '../core/types.js';
import type { CompressionName } from '../core/compression.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { InFlightBudget } from './in-flight.js';
import type { ProgressEvent } from './progress.js';
import type { ScannedFile } from './scan.js';
import type { SlabPool } from './slab-pool.js';
import type { WorkerPool } from './worker-pool.js';

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
  failed: Array<{ rel: string; reason: string }>;
}

export interface PipelineRun {
  readonly opts: PipelineOptions;
  readonly pool: WorkerPool;
  /** Recycled slabs for batches of small files. */
  readonly slabs: SlabPool;
  /** Shared buffers for the blocks of large files (read by two workers at once). */
  readonly shared: SlabPool;
  readonly writer: ChunkWriter;
  readonly budget: InFlightBudget;
  /** Bytes per block of a large file, and the room before each block for the bytes carried from the last. */
  readonly blockSize: number;
  readonly prefix: number;
  /** Files above this size are streamed in blocks (ingest-large.ts), the others read whole in batches. */
  readonly streamAbove: number;
  readonly result: PipelineResult;
  /** Called with each file read, as its result arrives (not kept: the caller records what it needs). */
  readonly onFile: (f: IngestedFile) => void;
  /** Unstatted files a worker found too large for their batch: sent again once their size is known. */
  readonly requeue: ScannedFile[];
  /** Records the size of an unstatted file as a worker found it (progress totals, batch sizing). */
  learn(bytes: number): void;
  /** Average size of the unstatted files seen so far (undefined before the first). */
  averageLearned(): number | undefined;
  /** Counts files and bytes as done (without reporting: `progress` does, once per job). */
  count(files: number, bytes: number): void;
  /** Reports progress (the CLI throttles it to 10 updates a second). */
  progress(): void;
}
