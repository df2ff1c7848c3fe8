import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptDataError } from '../../src/core/errors.js';
import { encodeLayer, LAYER_VERSION, type Layer } from '../../src/core/codecs/layer-codec.js';
import { decodeLayer } from '../../src/core/codecs/layer-view.js';
import { LayerView } from '../../src/core/codecs/layer-view.js';
import { blockRoots, fileLeaf } from '../../src/core/roots.js';
import {
  decodeLayerIndex,
  encodeLayerIndex,
  indexRecordLength,
  type LayerIndexEntry,
} from '../../src/core/codecs/layer-index-codec.js';
import { decodeStaging, encodeStaging, type StagedEntry, type Staging } from '../../src/core/codecs/staging-codec.js';
import { StagedRecords } from '../../src/core/codecs/staged-records.js';
import { ChunkRefTable } from '../../src/core/codecs/chunk-ref-table.js';
import {
  decodeSuperblock,
  encodeSuperblock,
  pickSuperblock,
  SLOT_SIZE,
} from '../../src/core/codecs/superblock-codec.js';
import { CHUNK_RUNS, decodeRun, decodeRuns, encodeRun } from '../../src/core/codecs/sorted-runs-codec.js';
import { sortedRecords } from '../../src/store/chunk-index.js';
import {
  decodeStatCache,
  encodeStatCache,
  mergeStatCache,
  type StatCacheEntry,
  StatCacheView,
} from '../../src/core/codecs/stat-cache-codec.js';
import { sortByPath } from '../../src/core/paths.js';
import { sha256 } from '../../src/core/digest.js';
import { chunkingParams, DEFAULTS } from '../../src/store/config.js';
import type { ChunkRef, FileEntry } from '../../src/core/types.js';

const h = (s: string) => sha256(Buffer.from(s));
const ref = (s: string, offset: number, length: number): ChunkRef => ({
  hash: h(s),
  offset,
  length,
  storedLength: length,
  codec: 0,
});
const file = (path: string, chunks: ChunkRef[], extra: Partial<FileEntry> = {}): FileEntry => ({
  path,
  mode: 0o100644,
  size: chunks.reduce((a, c) => a + c.length, 0),
  hash: h(`f:${path}`),
  chunkRoot: h(`r:${path}`),
  chunks,
  ...extra,
});

const layer: Layer = {
  type: 'full',
  version: LAYER_VERSION,
  number: 3,
  timestamp: 1_700_000_000_123,
  dataOffset: 256,
  dataLength: 300,
  message: 'third — ünïcode',
  author: 'Ann <ann@example.org>',
  params: chunkingParams(structuredClone(DEFAULTS)),
  files: [
    file('a b/ç.txt', [ref('x', 256, 100)]),
    file('empty', []),
    file('z', [ref('x', 256, 100), ref('y', 356, 200)], { deleted: true }),
  ],
  chunkIndex: [ref('x', 256, 100), ref('y', 356, 200)],
  parentRoot: h('p'),
  layerRoot: h('l'),
  storeRoot: h('s'),
  totalFiles: 3,
  blockRoots: [h('block 0')],
};

/** Plain data for comparing: bytes as hex, whether a decoder returned a Buffer or a plain Uint8Array. */
const normalize = (v: unknown) =>
  JSON.parse(
    JSON.stringify(v, function (this: Record<string, unknown>, k, x) {
      const original = this[k]; // before Buffer#toJSON turned it into { type, data }
      return original instanceof Uint8Array ? Buffer.from(original).toString('hex') : x;
    }),
  );

/** Every truncation and a bit flip at every position must give CorruptDataError and nothing else. */
function expectRejectsDamage(bytes: Buffer, decode: (b: Buffer) => unknown): void {
  for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 97))) {
    expect(() => decode(bytes.subarray(0, cut))).toThrow(CorruptDataError);
  }
  for (let i = 0; i < bytes.length; i++) {
    const bad = Buffer.from(bytes);
    bad[i] ^= 1 << (i % 8);
    expect(() => decode(bad), `flip at ${i}`).toThrow(CorruptDataError);
  }
}

describe('layer codec', () => {
  it('computes the block roots from the files when they are not given', () => {
    const { blockRoots: _given, ...rest } = layer;
    const want = blockRoots(layer.files.map((f) => fileLeaf(f)));
    expect(normalize(decodeLayer(encodeLayer(rest)).blockRoots)).toEqual(normalize(want));
  });
  it('lazy view: lookups by path decode single entries, and agree with the full decode', () => {
    const bytes = encodeLayer(layer);
    const v = new LayerView(bytes);
    expect(v.fileCount).toBe(3);
    for (const [i, f] of layer.files.entries()) {
      expect(v.indexOf(f.path)).toBe(i);
      expect(normalize(v.fileAt(i))).toEqual(normalize(f));
    }
    expect(v.indexOf('nope')).toBe(-1);
    expect(v.indexOf('a')).toBe(-1);
  });
  it('round-trips', () => {
    expect(normalize(decodeLayer(encodeLayer(layer)))).toEqual(normalize(layer));
  });
  it('rejects truncation and any flipped bit with CorruptDataError', () => {
    expectRejectsDamage(encodeLayer(layer), (b) => decodeLayer(b));
  });
  it('rejects a forged count even with a valid checksum', () => {
    const good = encodeLayer({ ...layer, files: [] });
    const body = Buffer.from(good.subarray(0, good.length - 32));
    body.writeUInt32LE(0xffffffff, 40); // file count
    expect(() => decodeLayer(Buffer.concat([body, sha256(body)]))).toThrow(CorruptDataError);
  });
  it('rejects a stored path that escapes the project, even with a valid checksum', () => {
    for (const p of ['../x', '/etc/x', 'a/../b', 'a//b']) {
      expect(() => decodeLayer(encodeLayer({ ...layer, files: [file(p, [])], totalFiles: 1 }))).toThrow(
        /invalid stored path/,
      );
    }
  });
});

describe('layer index codec', () => {
  const entries: LayerIndexEntry[] = [1, 2].map((n) => ({
    number: n,
    type: n === 1 ? 'full' : 'delta',
    recordOffset: 1000 * n,
    recordLength: 77,
    dataOffset: 256,
    dataLength: 10,
    timestamp: 1_700_000_000_000 + n,
    layerRoot: h(`l${n}`),
    storeRoot: h(`s${n}`),
    recordChecksum: h(`c${n}`),
  }));
  // Layers 1..18 as a tree would hold them: 16 layers behind one level-1 pointer, then two entries.
  const state = {
    count: 18,
    peaks: [h('p16'), h('p2')],
    levels: [[{ offset: 4096, length: 2500 }]],
    entries: [17, 18].map((number) => ({ ...entries[1], number })),
  };
  it('round-trips', () =>
    expect(normalize(decodeLayerIndex(encodeLayerIndex(state)))).toEqual(
      normalize({ version: 3, first: 17, ...state }),
    ));
  it('says its own length, so a scan for records can find their end', () => {
    const b = encodeLayerIndex(state);
    expect(indexRecordLength(b.subarray(0, 34))).toBe(b.length);
  });
  it('refuses a record whose pointers, peaks and entries do not add up to its count', () => {
    for (const bad of [
      { ...state, count: 19 },
      { ...state, levels: [[]] },
      { ...state, peaks: [h('x')] },
    ])
      expect(() => decodeLayerIndex(encodeLayerIndex(bad))).toThrow(CorruptDataError);
  });
  it('rejects damage', () => expectRejectsDamage(encodeLayerIndex(state), (b) => decodeLayerIndex(b)));
});

describe('staging codec', () => {
  const entries: StagedEntry[] = [
    {
      ...file('d/e', [ref('q', 5000, 300)]),
      stat: { mtimeMs: 1700000000123.456, ctimeMs: 1700000000124.5, ino: 123456789 },
    },
    { ...file('gone', []), deleted: true, stat: { mtimeMs: 0, ctimeMs: 0, ino: 0 } },
  ];
  const chunks = [ref('q', 5000, 300)];
  // Given out of order: the file is written sorted by path.
  const s: Staging = {
    baseSeq: 4,
    dataStart: 5000,
    dataEnd: 5300,
    entries: StagedRecords.of([entries[1], entries[0]]),
    newChunks: ChunkRefTable.of(chunks),
  };
  it('round-trips, entries sorted by path and decoded on demand', () => {
    const { entries: got, newChunks, ...rest } = decodeStaging(encodeStaging(s));
    const { entries: _, newChunks: _chunks, ...want } = s;
    expect(normalize(rest)).toEqual(normalize(want));
    expect(normalize(Array.from({ length: newChunks.length }, (_, i) => newChunks.at(i)))).toEqual(normalize(chunks));
    expect(got.paths).toEqual(['d/e', 'gone']);
    expect(normalize(got.entries())).toEqual(normalize(entries));
    expect([got.deleted(0), got.deleted(1), got.size(0), got.mode(0)]).toEqual([
      false,
      true,
      entries[0].size,
      entries[0].mode,
    ]);
    expect(got.stat(0)).toEqual(entries[0].stat);
  });
  it('rejects damage', () => expectRejectsDamage(encodeStaging(s), (b) => decodeStaging(b)));
});

describe('superblock codec', () => {
  const sb = {
    storeId: h('id'),
    seq: 7,
    committedLength: 99999,
    indexOffset: 90000,
    indexLength: 500,
    createdAt: 1_700_000_000_000,
  };
  it('round-trips', () => expect(normalize(decodeSuperblock(encodeSuperblock(sb)))).toEqual(normalize(sb)));
  it('rejects damage', () => expectRejectsDamage(encodeSuperblock(sb), (b) => decodeSuperblock(b)));
  it('picks the newest valid slot and survives a torn write of the other', () => {
    const a = encodeSuperblock(sb);
    const b = encodeSuperblock({ ...sb, seq: 8 });
    expect(pickSuperblock(Buffer.concat([a, b])).sb.seq).toBe(8);
    const torn = Buffer.from(b);
    torn.fill(0, 40);
    expect(pickSuperblock(Buffer.concat([a, torn])).sb.seq).toBe(7);
    expect(() => pickSuperblock(Buffer.alloc(2 * SLOT_SIZE))).toThrow(CorruptDataError);
  });
});

describe('chunk index codec', () => {
  const header = { from: 4, seq: 5, committedLength: 300, recordChecksum: h('c5') };
  const records = sortedRecords(['a', 'b', 'c'].map((s, i) => ref(s, 256 + i, 1))).records;
  it('round-trips a run', () => {
    const f = decodeRun(CHUNK_RUNS, encodeRun(CHUNK_RUNS, header, records), 0);
    expect(f.count).toBe(3);
    expect(normalize({ ...header })).toEqual(
      normalize({ from: f.from, seq: f.seq, committedLength: f.committedLength, recordChecksum: f.recordChecksum }),
    );
  });
  it('reads runs as far as they are intact and follow on from each other', () => {
    const first = encodeRun(CHUNK_RUNS, { ...header, from: 0, seq: 4 }, records);
    const second = encodeRun(CHUNK_RUNS, header, records.subarray(0, 49));
    const stray = encodeRun(CHUNK_RUNS, { ...header, from: 9, seq: 10 }, records);
    const seqs = (b: Buffer) => decodeRuns(CHUNK_RUNS, b).map((r) => r.seq);
    expect(seqs(Buffer.concat([first, second]))).toEqual([4, 5]);
    expect(seqs(Buffer.concat([first, second.subarray(0, 100)]))).toEqual([4]);
    expect(seqs(Buffer.concat([first, stray]))).toEqual([4]);
  });
  it('rejects damage', () =>
    expectRejectsDamage(encodeRun(CHUNK_RUNS, header, records), (b) => decodeRun(CHUNK_RUNS, b, 0)));
});

describe('stat cache codec', () => {
  const entry = (path: string, n: number): StatCacheEntry => ({
    path,
    size: n,
    mtimeMs: 1_700_000_000_000 + n / 7,
    ctimeMs: 1_700_000_000_000 + n / 3,
    ino: 1000 + n,
    hash: h(`${path}:${n}`),
  });
  it('a merge copies kept records and applies updates exactly as decoding, editing and re-encoding would', () => {
    const name = fc.stringMatching(/^[a-c]{1,2}(\/[a-c\u00e9\uff61]{1,2})?$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 12 }), fc.uniqueArray(name, { maxLength: 8 }), (kept, changed) => {
        const old = new Map(kept.map((p, i) => [p, entry(p, i)]));
        const updates = changed.map((p, i) => ({ path: p, entry: i % 3 === 2 ? undefined : entry(p, 100 + i) }));
        const want = new Map(old);
        for (const u of updates) u.entry ? want.set(u.path, u.entry) : want.delete(u.path);
        const merged = mergeStatCache(encodeStatCache(sortByPath([...old.values()])), sortByPath(updates));
        expect(normalize(decodeStatCache(merged))).toEqual(normalize(sortByPath([...want.values()])));
        // The view reads each record where it lies, without decoding the others.
        const view = new StatCacheView(merged);
        expect(view.size).toBe(want.size);
        for (const p of [...kept, ...changed])
          expect(normalize(view.get(p) ?? null)).toEqual(normalize(want.get(p) ?? null));
        // Indexed by the rows of a latest generation holding `kept` only: just those paths are found.
        const rowOf = new Map(kept.map((p, i) => [p, kept.length - 1 - i]));
        const byRows = new StatCacheView(merged, 'stat cache', { rowOf: (p) => rowOf.get(p), rowCount: kept.length });
        expect(byRows.size).toBe(kept.filter((p) => want.has(p)).length);
        for (const p of [...kept, ...changed]) {
          const found = rowOf.has(p) ? (want.get(p) ?? null) : null;
          expect(normalize(byRows.get(p) ?? null)).toEqual(normalize(found));
          expect(byRows.has(p)).toBe(found !== null);
        }
      }),
    );
  });
  it('the view rejects damage like the decoder', () =>
    expectRejectsDamage(encodeStatCache([entry('a', 1), entry('b/c', 2)]), (b) => new StatCacheView(b)));
  it('a damaged or missing cache merges as an empty one (it is only a cache)', () => {
    const good = encodeStatCache([entry('a', 1), entry('b', 2)]);
    const bad = Buffer.from(good);
    bad[20] ^= 1;
    for (const old of [bad, undefined])
      expect(decodeStatCache(mergeStatCache(old, [{ path: 'c', entry: entry('c', 3) }])).map((e) => e.path)).toEqual([
        'c',
      ]);
  });
});
