// Staged entries kept as records in one growing buffer, in the staging file's entry layout
// (staging-codec.ts), instead of one object per file: a million staged files are one buffer, an offset array
// and their path strings. Entries are decoded into objects only when asked for, one at a time.
//
//  offset (after the path)  size  field
//  -----------------------  ----  ------------------------------------------
//  (record start)           2+n   path (u16 length + bytes, core/path-bytes.ts)
//  0                        1     flags (bit 0 = deletion)
//  1                        4     mode
//  5                        8     size
//  13                       24    stat key: mtime ms, ctime ms, inode (f64 each)
//  37                       32    file hash
//  69                       32    chunk root
//  101                      4     chunk count, then the chunk refs (49 bytes each)
import { ByteReader, ByteWriter } from '../bytes.js';
import { pathByteLength } from '../path-bytes.js';
import { pathOrder } from '../paths.js';
import type { ChunkRef, FileEntry } from '../types.js';
import { CHUNK_REF_SIZE, readChunkRef, writeFileEntry } from './common.js';

export interface StatKey {
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface StagedEntry extends FileEntry {
  stat: StatKey;
}

const MODE = 1,
  SIZE = 5,
  STAT = 13,
  HASH = 37,
  COUNT = 101;
/** Bytes of a record besides its path and chunk refs. */
export const RECORD_FIXED = 2 + COUNT + 4;

/** Records are written into blocks of this size (a larger record gets a block of its own): never copied to grow. */
const BLOCK = 1 << 20;

export class StagedRecords {
  /** The path of each record (kept as strings: lookups and the sort by path need them). */
  readonly paths: string[] = [];
  /** Where each record starts: its block, and its offset in that block. */
  private readonly blockOf: number[] = [];
  private readonly starts: number[] = [];
  private readonly blocks: ByteWriter[] = [];
  /** Each block's bytes (the last one's cache is dropped at each append). */
  private readonly views: Buffer[] = [];
  private bytes = 0;

  private constructor(private readonly sealed?: Buffer) {
    if (sealed) this.views.push(sealed);
  }

  static create(): StagedRecords {
    return new StagedRecords();
  }

  /** A read-only view over `data`, whose records start at `starts` (validated by the caller: staging-codec.ts). */
  static view(data: Buffer, starts: number[], paths: string[]): StagedRecords {
    const r = new StagedRecords(data);
    for (let i = 0; i < starts.length; i++) {
      r.blockOf.push(0);
      r.starts.push(starts[i]);
      r.paths.push(paths[i]);
    }
    r.bytes = data.length;
    return r;
  }

  static of(entries: readonly StagedEntry[]): StagedRecords {
    const r = new StagedRecords();
    for (const e of entries) r.add(e, e.stat);
    return r;
  }

  get count(): number {
    return this.paths.length;
  }

  /** Bytes of all the records. */
  get byteLength(): number {
    return this.bytes;
  }

  /** The writer for a record of `size` bytes, its start noted. */
  private writerFor(path: string, size: number): ByteWriter {
    if (this.sealed) throw new Error('StagedRecords: a decoded view is read-only');
    let w = this.blocks[this.blocks.length - 1];
    if (!w || w.length + size > Math.max(BLOCK, w.length)) {
      w = new ByteWriter(Math.max(BLOCK, size));
      this.blocks.push(w);
    }
    this.views.length = this.blocks.length - 1;
    this.blockOf.push(this.blocks.length - 1);
    this.starts.push(w.length);
    this.paths.push(path);
    this.bytes += size;
    return w;
  }

  add(e: Omit<FileEntry, 'chunks'> & { chunks: readonly ChunkRef[] }, stat: StatKey): void {
    const size = RECORD_FIXED + pathByteLength(e.path) + e.chunks.length * CHUNK_REF_SIZE;
    writeFileEntry(this.writerFor(e.path, size), e, stat);
  }

  /** Copies record `i` of `from` unchanged. */
  copy(from: StagedRecords, i: number): void {
    const rec = from.record(i);
    this.writerFor(from.paths[i], rec.length).bytes(rec);
  }

  /** The bytes of the block holding record `i`. */
  private data(i: number): Buffer {
    const b = this.blockOf[i];
    if (this.views[b] === undefined) this.views[b] = this.blocks[b].finish();
    return this.views[b];
  }

  private end(i: number): number {
    return i + 1 < this.count && this.blockOf[i + 1] === this.blockOf[i] ? this.starts[i + 1] : this.data(i).length;
  }

  /** The encoded bytes of record `i` (a view). */
  record(i: number): Uint8Array {
    const d = this.data(i);
    return new Uint8Array(d.buffer, d.byteOffset + this.starts[i], this.end(i) - this.starts[i]);
  }

  /** Where record `i`'s fields start (just past its path). */
  private at(i: number): number {
    const s = this.starts[i];
    return s + 2 + this.data(i).readUInt16LE(s);
  }

  deleted(i: number): boolean {
    return (this.data(i)[this.at(i)] & 1) === 1;
  }

  mode(i: number): number {
    return this.data(i).readUInt32LE(this.at(i) + MODE);
  }

  size(i: number): number {
    const p = this.at(i) + SIZE;
    const d = this.data(i);
    return d.readUInt32LE(p) + d.readUInt32LE(p + 4) * 0x1_0000_0000;
  }

  stat(i: number): StatKey {
    const p = this.at(i) + STAT;
    const d = this.data(i);
    return { mtimeMs: d.readDoubleLE(p), ctimeMs: d.readDoubleLE(p + 8), ino: d.readDoubleLE(p + 16) };
  }

  /** The file hash (a view). */
  hash(i: number): Uint8Array {
    const d = this.data(i);
    return new Uint8Array(d.buffer, d.byteOffset + this.at(i) + HASH, 32);
  }

  /**
   * The whole entry as an object (decoded on each call); without `withChunks`, its chunk refs are left out
   * (`chunks` empty): what a layer's leaf needs, at a third of the objects.
   */
  entry(i: number, withChunks = true, what = 'staging file'): StagedEntry {
    const r = new ByteReader(this.data(i), what, this.at(i), this.end(i));
    const flags = r.u8();
    const mode = r.u32();
    const size = r.u64();
    const stat = { mtimeMs: r.f64(), ctimeMs: r.f64(), ino: r.f64() };
    const hash = r.bytes(32);
    const chunkRoot = r.bytes(32);
    const k = r.count(CHUNK_REF_SIZE);
    const chunks: ChunkRef[] = new Array(withChunks ? k : 0);
    if (withChunks) for (let j = 0; j < k; j++) chunks[j] = readChunkRef(r);
    const e: StagedEntry = { path: this.paths[i], mode, size, stat, hash, chunkRoot, chunks };
    if (flags & 1) e.deleted = true;
    return e;
  }

  /** Writes record `i` as a layer's file entry: the same bytes without the stat key (layer-codec.ts). */
  writeLayerEntry(i: number, w: ByteWriter): void {
    const rec = this.record(i);
    const fields = this.at(i) - this.starts[i];
    w.bytes(rec.subarray(0, fields + STAT)).bytes(rec.subarray(fields + STAT + 24));
  }

  /** Calls `each` with the archive offset of every chunk of record `i`, decoding nothing else. */
  eachChunkOffset(i: number, each: (offset: number) => void): void {
    const d = this.data(i);
    const p = this.at(i) + COUNT;
    const k = d.readUInt32LE(p);
    for (let j = 0; j < k; j++) {
      const at = p + 4 + j * CHUNK_REF_SIZE + 32;
      each(d.readUInt32LE(at) + d.readUInt32LE(at + 4) * 0x1_0000_0000);
    }
  }

  /** Every entry as an object: for the callers that handle few of them (rm, listings). */
  entries(): StagedEntry[] {
    return Array.from({ length: this.count }, (_, i) => this.entry(i));
  }

  /** Record indices in path order (UTF-8 byte order, as layers are sorted). */
  order(): number[] {
    return pathOrder(this.paths);
  }
}
