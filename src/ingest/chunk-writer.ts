// The single writer of the ingest pipeline (main thread): claims each chunk hash before writing it, so a
// chunk already stored — committed, staged earlier, or earlier in this very run — is never written again,
// and counts new versus reused chunks and bytes for the summary.
import { equalBytes } from '../core/digest.js';
import { ChunkRefTable } from '../core/codecs/chunk-ref-table.js';
import type { ChunkRef, Indexed } from '../core/types.js';
import type { ChunkAppender } from '../store/chunk-appender.js';
import type { ChunkIndex } from '../store/chunk-index.js';

export interface DedupStats {
  newChunks: number;
  /** Uncompressed bytes of the new chunks. */
  newBytes: number;
  /** What they take on disk (after compression). */
  storedBytes: number;
  reusedChunks: number;
  reusedBytes: number;
}

/** The first 48 bits of a hash as a number: a cheap map key (the full hash is compared on a hit). */
const key48 = (h: Uint8Array): number =>
  h[0] + h[1] * 0x100 + h[2] * 0x10000 + h[3] * 0x1000000 + h[4] * 0x100000000 + h[5] * 0x10000000000;

export class ChunkWriter {
  readonly stats: DedupStats = { newChunks: 0, newBytes: 0, storedBytes: 0, reusedChunks: 0, reusedBytes: 0 };
  /** Chunks staged by earlier adds, then those this one appends. */
  readonly newChunks = new ChunkRefTable();
  /** By the hash's first 48 bits: the index in newChunks, or the indices when hashes share them (rare). */
  private readonly staged = new Map<number, number | number[]>();

  constructor(
    private readonly out: ChunkAppender,
    private readonly committed: ChunkIndex,
    earlier: Indexed<ChunkRef>,
  ) {
    for (let i = 0; i < earlier.length; i++) {
      const c = earlier.at(i)!;
      this.remember(c.hash, this.newChunks.push(c.hash, c.offset, c.length, c.storedLength, c.codec));
    }
  }

  private remember(hash: Uint8Array, index: number): void {
    const k = key48(hash);
    const had = this.staged.get(k);
    if (had === undefined) this.staged.set(k, index);
    else if (Array.isArray(had)) had.push(index);
    else this.staged.set(k, [had, index]);
  }

  private stagedRef(hash: Uint8Array): ChunkRef | undefined {
    const had = this.staged.get(key48(hash));
    if (had === undefined) return undefined;
    const i = (Array.isArray(had) ? had : [had]).find((k) => equalBytes(this.newChunks.hash(k), hash));
    return i === undefined ? undefined : this.newChunks.at(i);
  }

  /**
   * Returns where the chunk lives, appending it only if no copy exists yet: its compressed form when the
   * CPU stage produced one (`stored`), else the raw `bytes`. With `borrow`, the bytes are not copied: the
   * caller keeps them unchanged until the promise of the next `flush()` settles.
   */
  put(hash: Uint8Array, bytes: Uint8Array, stored?: { codec: number; bytes: Uint8Array }, borrow = false): ChunkRef {
    const known = this.stagedRef(hash) ?? this.committed.lookup(hash);
    if (known) {
      this.stats.reusedChunks++;
      this.stats.reusedBytes += bytes.length;
      return known;
    }
    // The hash is copied into the table, so the worker's result buffer can be released.
    const data = stored?.bytes ?? bytes;
    const offset = borrow ? this.out.borrow(data) : this.out.append(data);
    const i = this.newChunks.push(hash, offset, bytes.length, data.length, stored?.codec ?? 0);
    this.remember(hash, i);
    this.stats.newChunks++;
    this.stats.newBytes += bytes.length;
    this.stats.storedBytes += data.length;
    return this.newChunks.at(i);
  }

  /** Writes the borrowed bytes; resolves once the caller may reuse them. */
  flush(): Promise<void> {
    return this.out.flushBorrowed();
  }
}
