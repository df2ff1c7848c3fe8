// Lookup of every chunk stored in the archive, by hash: the dedup index. Kept as one sorted buffer of
// 49-byte records with a 256-way fan-out on the first byte (as git's pack .idx), searched in place, so
// opening a store of 100k chunks costs one file read and no per-chunk objects.
import { readFileSync } from 'node:fs';
import { ByteReader, ByteWriter } from '../core/bytes.js';
import { CHUNK_REF_SIZE, readChunkRef, writeChunkRef } from '../core/codecs/common.js';
import { decodeChunkIndex, encodeChunkIndexRecords } from '../core/codecs/chunk-index-codec.js';
import type { ChunkRef, Indexed } from '../core/types.js';
import type { Archive } from './archive.js';
import { writeFileAtomic } from './fs-utils.js';

export class ChunkIndex {
  private readonly fanout = new Uint32Array(257);

  private constructor(
    private readonly records: Buffer,
    readonly count: number,
  ) {
    let i = 0;
    for (let b = 0; b < 256; b++) {
      this.fanout[b] = i;
      while (i < count && records[i * CHUNK_REF_SIZE] === b) i++;
    }
    this.fanout[256] = count;
  }

  /** Loads the sidecar if it matches the archive's generation; otherwise rebuilds it from the layers. */
  static load(file: string, archive: Archive): ChunkIndex {
    try {
      const f = decodeChunkIndex(readFileSync(file), file);
      if (f.seq === archive.seq && f.committedLength === archive.sb.committedLength) {
        return new ChunkIndex(Buffer.from(f.records.buffer, f.records.byteOffset, f.records.byteLength), f.count);
      }
    } catch {
      // Missing, stale or damaged: it is only a cache, rebuild it below.
    }
    const refs: ChunkRef[] = [];
    for (const e of archive.storedLayers) refs.push(...archive.readLayer(e.number).chunkIndex);
    const idx = ChunkIndex.empty().merged(refs);
    idx.save(file, archive);
    return idx;
  }

  static empty(): ChunkIndex {
    return new ChunkIndex(Buffer.alloc(0), 0);
  }

  lookup(hash: Uint8Array): ChunkRef | undefined {
    const h = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength);
    let lo = this.fanout[h[0]];
    let hi = this.fanout[h[0] + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const off = mid * CHUNK_REF_SIZE;
      const c = h.compare(this.records, off, off + 32);
      if (c === 0) return readChunkRef(new ByteReader(this.records, 'chunk index', off, off + CHUNK_REF_SIZE));
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  /** A new index with `refs` added (a hash already present keeps its first location). */
  merged(refs: Indexed<ChunkRef>): ChunkIndex {
    const order = hashOrder(refs);
    const w = new ByteWriter(this.records.length + order.length * CHUNK_REF_SIZE + 16);
    let i = 0; // next old record to copy
    let n = 0;
    let last: Uint8Array | undefined;
    for (const k of order) {
      const r = refs.at(k)!;
      if (last && Buffer.compare(last, r.hash) === 0) continue;
      last = r.hash;
      const h = Buffer.from(r.hash.buffer, r.hash.byteOffset, r.hash.byteLength);
      const from = i;
      while (i < this.count && h.compare(this.records, i * CHUNK_REF_SIZE, i * CHUNK_REF_SIZE + 32) > 0) i++;
      w.bytes(this.records.subarray(from * CHUNK_REF_SIZE, i * CHUNK_REF_SIZE));
      n += i - from;
      if (i < this.count && h.compare(this.records, i * CHUNK_REF_SIZE, i * CHUNK_REF_SIZE + 32) === 0) continue;
      writeChunkRef(w, r);
      n++;
    }
    w.bytes(this.records.subarray(i * CHUNK_REF_SIZE, this.count * CHUNK_REF_SIZE));
    n += this.count - i;
    return new ChunkIndex(w.finish(), n);
  }

  save(file: string, archive: Archive): void {
    writeFileAtomic(
      file,
      encodeChunkIndexRecords(
        archive.seq,
        archive.sb.committedLength,
        this.records.subarray(0, this.count * CHUNK_REF_SIZE),
      ),
    );
  }

  *entries(): Generator<ChunkRef> {
    for (let i = 0; i < this.count; i++) {
      yield readChunkRef(new ByteReader(this.records, 'chunk index', i * CHUNK_REF_SIZE, (i + 1) * CHUNK_REF_SIZE));
    }
  }
}

/** Refs in hash order: by their first 48 bits as numbers (no Buffer.compare per comparison), then the rest. */
/** The positions of `refs` by hash: sorted on each hash's first 48 bits, whole hashes compared only on a tie. */
function hashOrder(refs: Indexed<ChunkRef>): number[] {
  const key = (h: Uint8Array) =>
    h[0] * 0x10000000000 + h[1] * 0x100000000 + h[2] * 0x1000000 + h[3] * 0x10000 + h[4] * 0x100 + h[5];
  const keys = new Float64Array(refs.length);
  for (let i = 0; i < refs.length; i++) keys[i] = key(refs.at(i)!.hash);
  const order = Array.from({ length: refs.length }, (_, i) => i);
  return order.sort((a, b) => keys[a] - keys[b] || Buffer.compare(refs.at(a)!.hash, refs.at(b)!.hash));
}
