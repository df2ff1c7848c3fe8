// The single writer of the ingest pipeline (main thread): claims each chunk hash before writing it, so a
// chunk already stored — committed, staged earlier, or earlier in this very run — is never written again,
// and counts new versus reused chunks and bytes for the summary.
import { equalBytes } from '../core/digest.js';
import type { ChunkRef } from '../core/types.js';
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

/** Hash copies live in shared 64 KiB blocks: one ArrayBuffer per new chunk cost ~90 bytes and a GC'd object. */
const ARENA = 64 << 10;

export class ChunkWriter {
  readonly stats: DedupStats = { newChunks: 0, newBytes: 0, storedBytes: 0, reusedChunks: 0, reusedBytes: 0 };
  /** By the hash's first 48 bits: the ref, or the refs when hashes share them (practically never). */
  private readonly staged = new Map<number, ChunkRef | ChunkRef[]>();
  private arena = new Uint8Array(ARENA);
  private arenaUsed = 0;

  constructor(
    private readonly out: ChunkAppender,
    private readonly committed: ChunkIndex,
    /** Chunks staged by earlier adds; new ones are appended to this array. */
    readonly newChunks: ChunkRef[],
  ) {
    for (const c of newChunks) this.remember(c);
  }

  private remember(c: ChunkRef): void {
    const k = key48(c.hash);
    const had = this.staged.get(k);
    if (had === undefined) this.staged.set(k, c);
    else if (Array.isArray(had)) had.push(c);
    else this.staged.set(k, [had, c]);
  }

  private stagedRef(hash: Uint8Array): ChunkRef | undefined {
    const had = this.staged.get(key48(hash));
    if (had === undefined) return undefined;
    if (!Array.isArray(had)) return equalBytes(had.hash, hash) ? had : undefined;
    return had.find((c) => equalBytes(c.hash, hash));
  }

  /** A copy of `hash` that does not keep the worker's result buffer alive. */
  private copyHash(hash: Uint8Array): Uint8Array {
    if (this.arenaUsed + hash.length > this.arena.length) {
      this.arena = new Uint8Array(ARENA);
      this.arenaUsed = 0;
    }
    const out = this.arena.subarray(this.arenaUsed, this.arenaUsed + hash.length);
    out.set(hash);
    this.arenaUsed += hash.length;
    return out;
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
    // Copy the hash out of the worker's result buffer so that buffer can be released.
    const data = stored?.bytes ?? bytes;
    const ref: ChunkRef = {
      hash: this.copyHash(hash),
      offset: borrow ? this.out.borrow(data) : this.out.append(data),
      length: bytes.length,
      storedLength: data.length,
      codec: stored?.codec ?? 0,
    };
    this.remember(ref);
    this.newChunks.push(ref);
    this.stats.newChunks++;
    this.stats.newBytes += bytes.length;
    this.stats.storedBytes += data.length;
    return ref;
  }

  /** Writes the borrowed bytes; resolves once the caller may reuse them. */
  flush(): Promise<void> {
    return this.out.flushBorrowed();
  }
}
