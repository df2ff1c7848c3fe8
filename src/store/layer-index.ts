// The layer index of one generation, read on demand: opening a store reads the head record only (the newest
// entries and the store tree's peaks), and a layer's entry is found by reading the O(log n) records above it
// (core/layer-index-tree.ts). A version 2 index (older stores) is read whole, as it always was.
import { ARCHIVE_HEADER_SIZE } from '../core/codecs/superblock-codec.js';
import {
  decodeLayerIndex,
  type IndexLocation,
  type LayerIndexEntry,
  type LayerIndexRecord,
} from '../core/codecs/layer-index-codec.js';
import { CorruptDataError, NotFoundError } from '../core/errors.js';
import { buildIndex, walkAfter, walkIndex, walkSync } from '../core/layer-index-tree.js';
import { frontierOf } from '../core/merkle-frontier.js';
import { readAt, writeAll } from './fs-utils.js';

const CACHED_RECORDS = 64;

export class LayerIndex {
  private readonly records = new Map<number, LayerIndexRecord>();
  private everything: LayerIndexEntry[] | undefined;
  private v2Peaks: Uint8Array[] | undefined;

  private constructor(
    private readonly fd: number,
    private readonly what: string,
    /** Where the head record is (offset 0, length 0 for a store with no commit). */
    readonly at: IndexLocation,
    /** The head record: the newest entries, and (version 3) the tree above them. */
    readonly head: LayerIndexRecord | undefined,
  ) {}

  /** The index the superblock points at; `seq` is the generation it must describe. */
  static load(fd: number, path: string, at: IndexLocation, seq: number): LayerIndex {
    const what = `${path} layer index`;
    if (at.length === 0) {
      if (seq !== 0) throw new CorruptDataError(`${path}: generation ${seq} has no layer index`);
      return new LayerIndex(fd, what, at, undefined);
    }
    const head = decodeLayerIndex(readAt(fd, at.offset, at.length), what);
    const index = new LayerIndex(fd, what, at, head);
    if (head.version === 2) index.everything = index.readV2(head);
    if (head.count !== seq)
      throw new CorruptDataError(`${path}: layer count ${head.count} does not match generation ${seq}`);
    for (const e of head.entries) index.checkLocation(e);
    return index;
  }

  get count(): number {
    return this.head?.count ?? 0;
  }

  latest(): LayerIndexEntry | undefined {
    return this.head?.entries[this.head.entries.length - 1];
  }

  /** Layer n's entry. */
  entry(n: number): LayerIndexEntry {
    if (!Number.isInteger(n) || n < 1 || n > this.count)
      throw new NotFoundError(`layer ${n} does not exist (the store has ${this.count})`);
    const h = this.head as LayerIndexRecord;
    if (n >= h.first) return h.entries[n - h.first];
    if (this.everything) return this.everything[n - 1];
    let found: LayerIndexEntry | undefined;
    this.walk(n, n, (e) => {
      found = e;
    });
    return found as LayerIndexEntry;
  }

  /** Entries of layers from..to, oldest first. */
  range(from: number, to: number): LayerIndexEntry[] {
    const out: LayerIndexEntry[] = [];
    this.each((e) => out.push(e), from, to);
    return out;
  }

  /** Calls `visit` for layers from..to, oldest first, holding no more than a few records. */
  each(visit: (e: LayerIndexEntry) => void, from = 1, to = this.count): void {
    if (this.everything) {
      for (const e of this.everything.slice(from - 1, to)) visit(e);
    } else if (this.head && from <= to) this.walk(from, to, visit);
  }

  /** Every entry, oldest first (O(n): for whole-history work — check, gc, proofs of the store tree). */
  all(): readonly LayerIndexEntry[] {
    if (!this.everything) this.everything = this.range(1, this.count);
    return this.everything;
  }

  /** Peaks of the store tree over layer roots 1..n (merkle-frontier.ts): the next commit's store root. */
  peaks(): readonly Uint8Array[] {
    if (this.head?.version === 3) return this.head.peaks;
    if (!this.v2Peaks) this.v2Peaks = frontierOf(this.all().map((e) => e.layerRoot)).peaks;
    return this.v2Peaks;
  }

  /** Bytes of the index records this generation reaches (the rest are gc's to drop). */
  liveBytes(): number {
    if (!this.head) return 0;
    if (this.head.version === 2) return this.at.length + (this.head.base?.length ?? 0);
    const seen = new Set<number>([this.at.offset]);
    let bytes = this.at.length;
    walkSync(
      walkIndex(this.head, this.at, 1, this.count, () => {}),
      (p) => {
        if (!seen.has(p.offset)) {
          seen.add(p.offset);
          bytes += p.length;
        }
        return this.read(p);
      },
    );
    return bytes;
  }

  private walk(from: number, to: number, visit: (e: LayerIndexEntry) => void): void {
    const head = this.head as LayerIndexRecord;
    walkSync(
      walkIndex(head, this.at, from, to, (e) => {
        this.checkLocation(e);
        visit(e);
      }),
      (p) => this.read(p),
    );
  }

  private read(p: IndexLocation): LayerIndexRecord {
    const cached = this.records.get(p.offset);
    if (cached) return cached;
    if (p.offset < ARCHIVE_HEADER_SIZE) throw new CorruptDataError(`${this.what}: a record lies in the header`);
    const r = decodeLayerIndex(readAt(this.fd, p.offset, p.length), this.what);
    if (this.records.size >= CACHED_RECORDS) this.records.clear();
    this.records.set(p.offset, r);
    return r;
  }

  /** Every entry of a version 2 index: the tail, and the full index it names. */
  private readV2(head: LayerIndexRecord): LayerIndexEntry[] {
    const all: LayerIndexEntry[] = [];
    walkSync(
      walkAfter(head, this.at, 0, (e) => {
        this.checkLocation(e);
        all.push(e);
      }),
      (p) => this.read(p),
    );
    return all;
  }

  /** Locations come from disk: bound them before anything is allocated or read from them. */
  private checkLocation(l: LayerIndexEntry): void {
    if (l.type === 'pruned') {
      if (l.recordLength !== 0 || l.dataLength !== 0)
        throw new CorruptDataError(`${this.what}: pruned layer ${l.number} has a location`);
      return;
    }
    if (
      l.dataOffset < ARCHIVE_HEADER_SIZE ||
      l.recordOffset + l.recordLength > this.at.offset ||
      l.dataOffset + l.dataLength > l.recordOffset
    )
      throw new CorruptDataError(`${this.what}: layer ${l.number} location out of range`);
  }
}

/** Writes the index tree of `entries` (layers 1..n) at `at`; returns the superblock fields that name it. */
export function writeIndexTree(fd: number, entries: readonly LayerIndexEntry[], at: number) {
  const { parts, head } = buildIndex(entries, at);
  writeAll(fd, Buffer.concat(parts), at);
  return { committedLength: head.offset + head.length, indexOffset: head.offset, indexLength: head.length };
}

/** Bytes writeIndexTree would write. */
export const indexTreeBytes = (entries: readonly LayerIndexEntry[]): number =>
  buildIndex(entries, 0).parts.reduce((a, p) => a + p.length, 0);
