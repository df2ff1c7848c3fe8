// The single writer of the ingest pipeline (main thread): claims each chunk hash before writing it, so a
// chunk already stored — committed, staged earlier, or earlier in this very run — is never written again,
// and counts new versus reused chunks and bytes for the summary.
import { toHex } from '../core/digest.js';
import type { ChunkRef } from '../core/types.js';
import type { ChunkAppender } from '../store/chunk-appender.js';
import type { ChunkIndex } from '../store/chunk-index.js';

export interface DedupStats {
  newChunks: number;
  newBytes: number;
  reusedChunks: number;
  reusedBytes: number;
}

export class ChunkWriter {
  readonly stats: DedupStats = { newChunks: 0, newBytes: 0, reusedChunks: 0, reusedBytes: 0 };
  private readonly staged: Map<string, ChunkRef>;

  constructor(
    private readonly out: ChunkAppender,
    private readonly committed: ChunkIndex,
    /** Chunks staged by earlier adds; new ones are appended to this array. */
    readonly newChunks: ChunkRef[],
  ) {
    this.staged = new Map(newChunks.map((c) => [toHex(c.hash), c]));
  }

  /** Returns where the chunk lives, appending `bytes` only if no copy exists yet. */
  put(hash: Uint8Array, bytes: Uint8Array): ChunkRef {
    const key = toHex(hash);
    const known = this.staged.get(key) ?? this.committed.lookup(hash);
    if (known) {
      this.stats.reusedChunks++;
      this.stats.reusedBytes += bytes.length;
      return known;
    }
    // Copy the hash out of the worker's result buffer so that buffer can be released.
    const ref: ChunkRef = { hash: Uint8Array.from(hash), offset: this.out.append(bytes), length: bytes.length, storedLength: bytes.length, codec: 0 };
    this.staged.set(key, ref);
    this.newChunks.push(ref);
    this.stats.newChunks++;
    this.stats.newBytes += bytes.length;
    return ref;
  }
}
