// A store held open at one committed generation, for a long-lived reader (the HTTP gateway): every request
// made through it sees the generations that existed when it was opened, whatever commits or gc do meanwhile
// (commits append past its committed length, gc renames a new file over the old one, whose bytes this handle
// keeps). Reference-counted: a newer snapshot replaces it for new requests, and it closes when the last
// response reading from it is done.
import { dirname } from 'node:path';
import { toHex } from '../core/digest.js';
import type { Proof } from '../core/codecs/proof-codec.js';
import type { FileEntry } from '../core/types.js';
import type { RangeSpec } from '../core/urn.js';
import { listDirectory, isDirectory, type DirEntry } from '../retrieve/list-dir.js';
import { proveFile } from '../retrieve/prove.js';
import { checkChunkList } from '../retrieve/read-file.js';
import { coveringChunks } from '../retrieve/read-target.js';
import { resolveGeneration } from '../retrieve/resolve.js';
import { Archive } from '../store/archive.js';
import { generationView } from '../store/delta-window.js';
import { findEntry, generationFiles } from '../store/generations.js';
import { storePaths } from '../store/home.js';
import { openRemote } from '../remote/open-remote.js';
import { type DiffEntry, diffFiles, history, type HistoryEntry } from './inspect.js';
import { fetchChunks } from './lazy.js';

export type { DirEntry } from '../retrieve/list-dir.js';

/**
 * Read buffers for a response, reused once the socket has taken their bytes (`give`), so that a 1 GiB body does
 * not fault in a gigabyte of fresh pages. `take` returns undefined when none is free: the reader allocates.
 */
export class SlabPool {
  private readonly free: Buffer[] = [];
  constructor(readonly size = 4 * 1024 * 1024) {}

  take(n: number): Buffer | undefined {
    if (n > this.size) return undefined;
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Returns the slab a buffer handed out by `take` (or a view of it) lives in. */
  give(b: Buffer): void {
    if (b.buffer.byteLength === this.size && this.free.length < 8) this.free.push(Buffer.from(b.buffer, 0, this.size));
  }
}

export class Snapshot {
  private refs = 1;
  /** Chunk lists already checked against their chunk roots (one file is often read by many requests). */
  private readonly checkedLists = new Set<string>();
  private readonly entries = new Map<string, FileEntry | null>();
  /** Archive offsets of chunks already read whole and checked through this snapshot. */
  private readonly checkedChunks = new Set<number>();

  private constructor(
    readonly storeId: string,
    private readonly archive: Archive,
  ) {}

  /** Opens the archive at `file` (a store's `{storeId}.dig`) at its latest committed generation. */
  static open(storeId: string, file: string): Snapshot {
    return new Snapshot(storeId, Archive.open(file));
  }

  /** The latest generation this snapshot sees (0 before the first commit). */
  get latest(): number {
    return this.archive.seq;
  }

  rootOf(generation: number): string {
    return toHex(this.archive.layerEntry(generation).storeRoot);
  }

  /** The generation a root hash (or unique prefix of ≥ 8 hex) names; NotFoundError/UsageError otherwise. */
  generationOf(root: string): number {
    return resolveGeneration(this.archive, root);
  }

  /** Generations oldest first; `start`/`end` (0-based) read only that slice's layer records. */
  history(start?: number, end?: number): HistoryEntry[] {
    return history(this.archive, start, end);
  }

  /** Files added, modified and deleted from generation `from` to generation `to`. */
  diff(from: number, to: number): DiffEntry[] {
    return diffFiles(generationFiles(this.archive, from), generationFiles(this.archive, to));
  }

  /**
   * The file entry at `path` in `generation`, or undefined. Remembered: a large file's entry holds its whole
   * chunk list, and range requests ask for the same few files again and again.
   */
  stat(generation: number, path: string): FileEntry | undefined {
    const key = `${generation}/${path}`;
    if (this.entries.has(key)) return this.entries.get(key) ?? undefined;
    const e = findEntry(this.archive, generation, path);
    if (this.entries.size >= 1024) this.entries.clear();
    this.entries.set(key, e ?? null);
    return e;
  }

  isDirectory(generation: number, path: string): boolean {
    return isDirectory(generationView(this.archive, generation), path);
  }

  list(generation: number, path: string, limit?: number): DirEntry[] {
    return listDirectory(generationView(this.archive, generation), path, limit);
  }

  /**
   * Bytes [start, end] (inclusive) of a stored file, chunk by chunk. A whole chunk is checked against its hash
   * the first time this snapshot reads it (then remembered: a served file is read again and again, and what
   * left a gateway once is in every cache anyway); with `checkPartial` false, part of a chunk stored raw is
   * read alone, unchecked (Archive.readChunkSlice) — a gateway's small range responses, whose clients verify.
   */
  /**
   * In a lazy clone, fetches the chunks holding bytes [start, end] of `entry` that are not here yet (each
   * checked, api/lazy.ts), so a response never starts and then breaks off; nothing in a whole store.
   */
  async fetchLacking(entry: FileEntry, start: number, end: number): Promise<void> {
    if (this.archive.missing.length === 0) return;
    const paths = storePaths(dirname(this.archive.path), this.storeId);
    await fetchChunks(paths, this.archive, coveringChunks(entry, { start, end }), openRemote);
  }

  *read(entry: FileEntry, start: number, end: number, checkPartial = true, slabs?: SlabPool): Generator<Buffer> {
    const key = toHex(entry.chunkRoot);
    if (!this.checkedLists.has(key)) {
      checkChunkList(entry);
      if (this.checkedLists.size >= 10_000) this.checkedLists.clear();
      this.checkedLists.add(key);
    }
    let off = 0;
    for (const ref of entry.chunks) {
      if (off > end) break;
      const chunkEnd = off + ref.length - 1;
      if (chunkEnd >= start) {
        const from = Math.max(0, start - off);
        const to = Math.min(ref.length, end - off + 1);
        const whole = from === 0 && to === ref.length;
        const into = slabs?.take(ref.length);
        if (this.checkedChunks.has(ref.offset) || (!whole && !checkPartial))
          yield this.archive.readChunkSlice(ref, from, to - from, into);
        else {
          yield this.archive.readChunk(ref, into).subarray(from, to);
          if (this.checkedChunks.size >= 1_000_000) this.checkedChunks.clear();
          this.checkedChunks.add(ref.offset);
        }
      }
      off += ref.length;
    }
  }

  prove(generation: number, path: string, range?: RangeSpec): Proof {
    return proveFile(this.archive, generation, path, range);
  }

  retain(): this {
    this.refs++;
    return this;
  }

  /** Drops one reference; the archive closes with the last. */
  release(): void {
    if (--this.refs === 0) this.archive.close();
  }
}
