// The layer index tree (core/layer-index-tree.ts) against the plain list it replaces: records written one per
// commit, into a simulated archive, must give back every entry in order, any one entry by reading only the
// records above it, the store root of every generation from the peaks alone, and stay the same size however
// long the history grows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeLayerIndex,
  encodeLayerIndex,
  INDEX_FANOUT,
  type IndexLocation,
  type LayerIndexEntry,
  type LayerIndexRecord,
} from '../../src/core/codecs/layer-index-codec.js';
import { sha256 } from '../../src/core/digest.js';
import { CorruptDataError } from '../../src/core/errors.js';
import { buildIndex, nextIndexState, walkAsync, walkIndex, walkSync } from '../../src/core/layer-index-tree.js';
import { appendLeaf, frontierOf, frontierRoot } from '../../src/core/merkle-frontier.js';
import { leafHash, merkleRoot } from '../../src/core/merkle.js';
import { storeRoot } from '../../src/core/roots.js';
import { ByteWriter } from '../../src/core/bytes.js';
import { finishWithChecksum } from '../../src/core/codecs/common.js';
import { ARCHIVE_HEADER_SIZE } from '../../src/core/codecs/superblock-codec.js';
import { LayerIndex } from '../../src/store/layer-index.js';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const h = (s: string) => sha256(Buffer.from(s));
const entry = (n: number): LayerIndexEntry => ({
  number: n,
  type: n % 7 === 1 ? 'full' : 'delta',
  recordOffset: n * 1000,
  recordLength: 500,
  dataOffset: n * 1000 - 300,
  dataLength: 300,
  timestamp: n,
  layerRoot: h(`l${n}`),
  storeRoot: h(`s${n}`),
  recordChecksum: h(`c${n}`),
});

/** An archive of n commits: each writes a 40-byte layer record, then its index record. */
function commits(n: number) {
  const file = new Map<number, Buffer>();
  let pos = 512;
  let head: LayerIndexRecord | undefined;
  let at: IndexLocation | undefined;
  const sizes: number[] = [];
  const heads: Array<{ head: LayerIndexRecord; at: IndexLocation }> = [];
  for (let g = 1; g <= n; g++) {
    pos += 40;
    const bytes = encodeLayerIndex(nextIndexState(head, at, entry(g)));
    file.set(pos, bytes);
    sizes.push(bytes.length);
    head = decodeLayerIndex(bytes);
    at = { offset: pos, length: bytes.length };
    heads.push({ head, at });
    pos += bytes.length;
  }
  return { file, head: head as LayerIndexRecord, at: at as IndexLocation, sizes, heads };
}

const history = commits(5000);

function entries(file: Map<number, Buffer>, head: LayerIndexRecord, at: IndexLocation, from: number, to: number) {
  const out: number[] = [];
  let reads = 0;
  const read = (p: IndexLocation) => {
    reads++;
    const b = file.get(p.offset);
    if (!b || b.length !== p.length) throw new CorruptDataError('no record there');
    return decodeLayerIndex(b);
  };
  walkSync(
    walkIndex(head, at, from, to, (e) => out.push(e.number)),
    read,
  );
  return { out, reads };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('layer index tree', () => {
  it('gives back every layer in order, for histories of 1 to 300 commits and one of 5,000', () => {
    for (const n of [...range(1, 300), 5000]) {
      const { head, at } = history.heads[n - 1];
      expect(head.count).toBe(n);
      expect(entries(history.file, head, at, 1, n).out).toEqual(range(1, n));
    }
  });

  it('finds any one layer reading at most one record per level', () => {
    const n = 5000; // levels: 16^3 = 4096 ≤ 5000
    const { file, head, at } = history;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: n }), (g) => {
        const { out, reads } = entries(file, head, at, g, g);
        expect(out).toEqual([g]);
        expect(reads).toBeLessThanOrEqual(head.levels.length);
      }),
    );
  });

  it('keeps each record small however long the history (no record grows with n)', () => {
    const small = Math.max(...history.sizes.slice(0, 300));
    const large = Math.max(...history.sizes);
    // At most F entries, F pointers per level and one peak per bit of n: a level and a few peaks more.
    expect(large).toBeLessThanOrEqual(INDEX_FANOUT * 141 + 22 + 32 + 15 * 32 + 5 * (1 + INDEX_FANOUT * 12));
    expect(large - small).toBeLessThan(1000);
  });

  it('the peaks give each generation its store root, as a root over all layer roots does', () => {
    let peaks: Uint8Array[] = [];
    const roots: Uint8Array[] = [];
    for (let n = 1; n <= 300; n++) {
      roots.push(h(`l${n}`));
      peaks = appendLeaf(peaks, n - 1, leafHash(roots[n - 1]));
      expect(frontierRoot(peaks)).toEqual(storeRoot(roots));
    }
    expect(frontierOf(roots).peaks).toEqual(peaks);
    expect(frontierRoot([])).toEqual(merkleRoot([]));
  });

  it('a tree built in one go holds the same layers and peaks as one built commit by commit', () => {
    for (const n of [1, 15, 16, 17, 255, 256, 257, 1000]) {
      const all = range(1, n).map(entry);
      const { parts, head } = buildIndex(all, 4096);
      const file = new Map<number, Buffer>();
      let pos = 4096;
      for (const p of parts) {
        file.set(pos, p);
        pos += p.length;
      }
      const rec = decodeLayerIndex(file.get(head.offset) as Buffer);
      expect(parts.length).toBe(Math.ceil(n / INDEX_FANOUT));
      expect(entries(file, rec, head, 1, n).out).toEqual(range(1, n));
      expect(rec.peaks).toEqual(history.heads[n - 1].head.peaks);
    }
  });

  it('walks the same with an asynchronous reader (a remote), skipping what lies before `from`', async () => {
    const { file, head, at } = history;
    const seen: number[] = [];
    const read = async (p: IndexLocation) => decodeLayerIndex(file.get(p.offset) as Buffer);
    await walkAsync(
      walkIndex(head, at, 4001, 5000, (e) => seen.push(e.number)),
      read,
    );
    expect(seen).toEqual(range(4001, 5000));
  });

  it('refuses a pointer to the wrong record or one that points forward', () => {
    const { file } = history;
    const { head, at } = history.heads[39];
    const [first, second] = head.levels[0];
    const swapped = { ...head, levels: [[second, first]] };
    expect(() => entries(file, swapped, at, 1, 40)).toThrow(/not the one its pointer names/);
    const forward = { ...head, levels: [[{ offset: at.offset + 10, length: 5 }, second]] };
    expect(() => entries(file, forward, at, 1, 40)).toThrow(/does not point back/);
  });

  it('still reads a version 2 index: a tail of entries after the full index it names', () => {
    // Version 2 as older builds wrote it (codecs/layer-index-codec.ts): first, base, count, entries, checksum.
    const v2 = (first: number, base: IndexLocation, entries: LayerIndexEntry[]) => {
      const w = new ByteWriter(64).bytes(Buffer.from('DIGLAYIX')).u16(2).u32(first).u64(base.offset).u64(base.length);
      w.u32(entries.length);
      for (const e of entries)
        w.u32(e.number)
          .u8(e.type === 'full' ? 1 : 2)
          .u64(e.recordOffset)
          .u64(e.recordLength)
          .u64(e.dataOffset)
          .u64(e.dataLength)
          .u64(e.timestamp)
          .bytes(e.layerRoot)
          .bytes(e.storeRoot)
          .bytes(e.recordChecksum);
      return finishWithChecksum(w);
    };
    // Layers 1..20 lie before the index records (entry(n) puts layer n's data at n*1000-300, past the header).
    expect(ARCHIVE_HEADER_SIZE).toBeLessThan(700);
    const at = 20 * 1000 + 1000;
    const base = v2(1, { offset: 0, length: 0 }, range(1, 16).map(entry));
    const tail = v2(17, { offset: at, length: base.length }, range(17, 20).map(entry));
    const dir = mkdtempSync(join(tmpdir(), 'dig-v2-'));
    const file = join(dir, 'a.dig');
    writeFileSync(file, Buffer.concat([Buffer.alloc(at), base, tail]));
    const fd = openSync(file, 'r');
    try {
      const index = LayerIndex.load(fd, file, { offset: at + base.length, length: tail.length }, 20);
      expect(index.all().map((e) => e.number)).toEqual(range(1, 20));
      expect(Buffer.from(index.entry(3).layerRoot)).toEqual(Buffer.from(h('l3')));
      expect(index.range(15, 18).map((e) => e.number)).toEqual([15, 16, 17, 18]);
      // The next store root comes from peaks computed over the old entries' layer roots.
      expect(Buffer.from(frontierRoot([...index.peaks()]))).toEqual(
        Buffer.from(storeRoot(range(1, 20).map((n) => h(`l${n}`)))),
      );
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
