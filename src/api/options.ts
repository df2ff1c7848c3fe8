// Options accepted by the public API. Each call resolves its options against defaults into a new object;
// the caller's object is never modified.
import type { RangeSpec } from '../core/urn.js';
import type { CompressionName } from '../core/compression.js';
import type { ProgressEvent } from '../ingest/progress.js';

export interface OpenOptions {
  /** Store home; default `$DIGSTORE_HOME` or ~/.dig. */
  home?: string;
}

export interface InitOptions extends OpenOptions {
  name?: string;
  /** Chunk compression for this store (written to its own config); default: the global config's. */
  compression?: CompressionName;
  /** 64 lowercase hex; random when omitted. */
  storeId?: string;
}

export interface AddOptions {
  /** Descend into directories given as paths. */
  recursive?: boolean;
  /** Called with typed progress events while files are read and chunked. */
  onProgress?: (e: ProgressEvent) => void;
  /** Aborting stops the add; nothing is staged. */
  signal?: AbortSignal;
  /** Worker threads for chunking and hashing (default: config `performance.workers`, 'auto'). */
  workers?: number | 'auto';
  /** Files per batch (default: adaptive between `adaptive.min_batch_size` and `max_batch_size`). */
  batchSize?: number;
  /** Files above this size are streamed in blocks (default: config `large_files.streaming_threshold`). */
  streamingThreshold?: number;
  /** Add files even when `.digignore` rules exclude them (as `git add -f`). */
  force?: boolean;
  /** Milliseconds to wait for another writer to finish. */
  lockWaitMs?: number;
}

export interface CommitOptions {
  author?: string;
  /** Write a full layer (every file) instead of a delta. */
  full?: boolean;
  lockWaitMs?: number;
  /** Aborting before the final step leaves the store exactly as it was. */
  signal?: AbortSignal;
}

export interface GetOptions {
  /** Root hash of the generation (full or unique prefix of ≥ 8 hex); latest when omitted. */
  root?: string;
  /** Bytes to read: `a-b`, `a-`, `-n` (inclusive, HTTP semantics) or a parsed range. */
  range?: RangeSpec | string;
  /** Prove the entry against the root and check every byte before handing any out. */
  verify?: boolean;
}

export interface ProveOptions {
  root?: string;
  range?: RangeSpec | string;
  /** Prove a layer's root instead of a file. */
  layer?: number;
}

export { LOCK_WAIT_MS } from '../store/lock.js';
