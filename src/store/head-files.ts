// The latest generation's files for comparing (status, add, rm): by path, each as a fixed row of mode, size,
// file hash and chunk root in one buffer, not as an object with two hash views each (~400 bytes a file, 400 MB
// for a million). `get` makes the entry asked for; chunk refs are never read (compare, never read content).
import type { FileEntry } from '../core/types.js';
import type { Archive } from './archive.js';
import { chainOf } from './generations.js';

const ROW = 4 + 8 + 64;
const NO_CHUNKS = Object.freeze([]) as unknown as FileEntry['chunks'];

export class HeadFiles implements ReadonlyMap<string, FileEntry> {
  private readonly rows = new Map<string, number>();
  private readonly data: Buffer;
  private used = 0;

  /** Generation `n` of `archive`: its full layer's entries, then each later delta applied. */
  constructor(archive: Archive, n: number) {
    const chain = n === 0 ? [] : chainOf(archive, n);
    // Read once into rows: the records are not kept (a million-file layer is ~160 MB).
    const views = chain.map((k) => archive.layerView(k, false));
    this.data = Buffer.allocUnsafeSlow(
      Math.max(
        1,
        views.reduce((a, v) => a + v.fileCount, 0),
      ) * ROW,
    );
    for (const v of views) {
      v.eachEntry((path, deleted, mode, size, src, at) => {
        if (deleted) {
          this.rows.delete(path);
          return;
        }
        let row = this.rows.get(path);
        if (row === undefined) {
          row = this.used++;
          this.rows.set(path, row);
        }
        const p = row * ROW;
        this.data.writeUInt32LE(mode, p);
        this.data.writeDoubleLE(size, p + 4);
        this.data.set(src.subarray(at, at + 64), p + 12);
      });
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The row of `path` (stat-cache-codec.ts keeps its records by row), or undefined. */
  rowOf(path: string): number | undefined {
    return this.rows.get(path);
  }

  /** Rows made so far (rows of deleted paths included): the bound of any row number. */
  get rowCount(): number {
    return this.used;
  }

  has(path: string): boolean {
    return this.rows.has(path);
  }

  get(path: string): FileEntry | undefined {
    const row = this.rows.get(path);
    return row === undefined ? undefined : this.entry(path, row);
  }

  private entry(path: string, row: number): FileEntry {
    const p = row * ROW;
    const d = this.data;
    const hash = new Uint8Array(d.buffer, d.byteOffset + p + 12, 32);
    const chunkRoot = new Uint8Array(d.buffer, d.byteOffset + p + 44, 32);
    return { path, mode: d.readUInt32LE(p), size: d.readDoubleLE(p + 4), hash, chunkRoot, chunks: NO_CHUNKS };
  }

  keys(): MapIterator<string> {
    return this.rows.keys();
  }

  *entries(): MapIterator<[string, FileEntry]> {
    for (const [path, row] of this.rows) yield [path, this.entry(path, row)];
  }

  *values(): MapIterator<FileEntry> {
    for (const [path, row] of this.rows) yield this.entry(path, row);
  }

  [Symbol.iterator](): MapIterator<[string, FileEntry]> {
    return this.entries();
  }

  forEach(fn: (value: FileEntry, key: string, map: ReadonlyMap<string, FileEntry>) => void): void {
    for (const [path, row] of this.rows) fn(this.entry(path, row), path, this);
  }
}
