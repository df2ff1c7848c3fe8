// Lookup of every chunk stored in the archive, by hash: the dedup index. Kept as sorted runs of 49-byte
// records, each with a 256-way fan-out on the first byte (as git's pack .idx), searched in place, so opening a
// store of 100k chunks costs one file read and no per-chunk objects. The sidecar file is appended to by each
// commit (one run of its new chunks) and its runs merged as they grow (sorted-runs-file.ts), so a commit's
// cost does not grow with the number of chunks the store holds.
import { ByteReader, ByteWriter } from '../core/bytes.js';
import { CHUNK_REF_SIZE, readChunkRef, writeChunkRef } from '../core/codecs/common.js';
import { CHUNK_RUNS } from '../core/codecs/sorted-runs-codec.js';
import type { ChunkRef, Indexed } from '../core/types.js';
import type { Archive } from './archive.js';
import { appendRun, type CatchUp, loadRuns } from './sorted-runs-file.js';

/** One sorted run of records with its fan-out table. */
class Run {
  readonly fanout = new Uint32Array(257);

  constructor(
    readonly records: Buffer,
    readonly count: number,
  ) {
    let i = 0;
    for (let b = 0; b < 256; b++) {
      this.fanout[b] = i;
      while (i < count && records[i * CHUNK_REF_SIZE] === b) i++;
    }
    this.fanout[256] = count;
  }

  /** The position of `h`'s record, or -1. */
  find(h: Buffer): number {
    let lo = this.fanout[h[0]];
    let hi = this.fanout[h[0] + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const off = mid * CHUNK_REF_SIZE;
      const c = h.compare(this.records, off, off + 32);
      if (c === 0) return mid;
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}

export class ChunkIndex {
  private readonly runs: Run[];

  private constructor(runs: ReadonlyArray<{ records: Uint8Array; count: number }>) {
    this.runs = runs
      .filter((r) => r.count > 0)
      .map((r) => new Run(Buffer.from(r.records.buffer, r.records.byteOffset, r.records.byteLength), r.count));
  }

  /**
   * The index for `archive`'s generation from the sidecar `file`: what the file lacks (a stale or damaged
   * cache, a commit that stopped before updating it) is read from the layers and written back.
   */
  static load(file: string, archive: Archive): ChunkIndex {
    return new ChunkIndex(loadRuns(CHUNK_RUNS, file, archive, layersChunks));
  }

  /** After a commit: the commit's new chunks (`refs`) appended to the sidecar as one run. */
  static append(file: string, before: Archive, after: Archive, refs: Indexed<ChunkRef>): void {
    appendRun(CHUNK_RUNS, file, before, after, sortedRecords(refs));
  }

  static empty(): ChunkIndex {
    return new ChunkIndex([]);
  }

  get count(): number {
    return this.runs.reduce((a, r) => a + r.count, 0);
  }

  /** The stored chunk with this hash (the oldest location when a chunk is stored twice). */
  lookup(hash: Uint8Array): ChunkRef | undefined {
    const h = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength);
    for (const run of this.runs) {
      const i = run.find(h);
      if (i >= 0) {
        const off = i * CHUNK_REF_SIZE;
        return readChunkRef(new ByteReader(run.records, 'chunk index', off, off + CHUNK_REF_SIZE));
      }
    }
    return undefined;
  }

  /** A new index with `refs` added as a run of their own (a hash already present keeps its first location). */
  merged(refs: Indexed<ChunkRef>): ChunkIndex {
    const fresh = sortedRecords(refs, (h) => this.lookup(h) !== undefined);
    return new ChunkIndex([...this.runs, fresh]);
  }
}

/** The chunks the layers of generations from..to store, as sorted records (a lagging sidecar's catch-up). */
const layersChunks: CatchUp = (archive, from, to) => {
  const refs: ChunkRef[] = [];
  archive.index.each(
    (e) => {
      if (e.type !== 'pruned') for (const c of archive.layerView(e.number, false).chunkIndex()) refs.push(c);
    },
    from,
    to,
  );
  return sortedRecords(refs);
};

/**
 * `refs` as sorted 49-byte records, without duplicates or those `skip` says are known: sorted on each hash's
 * first 48 bits as numbers, whole hashes compared only on a tie.
 */
export function sortedRecords(refs: Indexed<ChunkRef>, skip: (hash: Uint8Array) => boolean = () => false) {
  const key = (h: Uint8Array) =>
    h[0] * 0x10000000000 + h[1] * 0x100000000 + h[2] * 0x1000000 + h[3] * 0x10000 + h[4] * 0x100 + h[5];
  const keys = new Float64Array(refs.length);
  for (let i = 0; i < refs.length; i++) keys[i] = key(refs.at(i)!.hash);
  const order = Array.from({ length: refs.length }, (_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || Buffer.compare(refs.at(a)!.hash, refs.at(b)!.hash));
  const w = new ByteWriter(order.length * CHUNK_REF_SIZE + 16);
  let count = 0;
  let last: Uint8Array | undefined;
  for (const k of order) {
    const r = refs.at(k)!;
    if ((last && Buffer.compare(last, r.hash) === 0) || skip(r.hash)) continue;
    last = r.hash;
    writeChunkRef(w, r);
    count++;
  }
  return { records: w.finish(), count };
}
