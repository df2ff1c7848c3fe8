// The packed stores of add and commit (issue 14: no object per file): staged records in 1 MiB blocks, chunk
// refs in blocks of 16,384, written across their block boundaries and read back exactly, alone and through
// the staging file's codec.
import { describe, expect, it } from 'vitest';
import { ChunkRefTable } from '../../src/core/codecs/chunk-ref-table.js';
import { StagedRecords, type StagedEntry } from '../../src/core/codecs/staged-records.js';
import { decodeStaging, encodeStaging } from '../../src/core/codecs/staging-codec.js';
import { sha256 } from '../../src/core/digest.js';
import type { ChunkRef } from '../../src/core/types.js';

const h = (s: string) => new Uint8Array(sha256(Buffer.from(s)));
const ref = (i: number): ChunkRef => ({
  hash: h(`c${i}`),
  offset: 2 ** 33 + i * 100, // above 2^32: both halves of the u64 are used
  length: 100,
  storedLength: i % 3 === 0 ? 60 : 100,
  codec: i % 3 === 0 ? 1 : 0,
});
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_, v) => (v instanceof Uint8Array ? [...v] : v)));

function entry(i: number, chunks: number): StagedEntry {
  return {
    path: `d${i % 7}/file ${i}.txt`,
    mode: i % 5 === 0 ? 0o100755 : 0o100644,
    size: 2 ** 32 + i,
    hash: h(`f${i}`),
    chunkRoot: h(`r${i}`),
    chunks: Array.from({ length: chunks }, (_, k) => ref(i * 10 + k)),
    stat: { mtimeMs: 1_700_000_000_000.25 + i, ctimeMs: 1_700_000_000_001.5 + i, ino: 2 ** 40 + i },
    ...(i % 11 === 0 ? { deleted: true } : {}),
  };
}

describe('staged records', () => {
  // 12,000 entries of ~200 bytes span several 1 MiB blocks; one of 25,000 chunk refs needs a block of its own.
  const entries = Array.from({ length: 12_000 }, (_, i) => entry(i, i === 5000 ? 25_000 : 1 + (i % 3)));
  const records = StagedRecords.of(entries);

  it('reads back every field of every record, across block boundaries', () => {
    expect(records.count).toBe(entries.length);
    for (const i of [0, 1, 4999, 5000, 5001, 11_999, ...Array.from({ length: 50 }, (_, k) => k * 239)]) {
      const e = entries[i];
      expect(plain(records.entry(i))).toEqual(plain(e));
      expect([records.deleted(i), records.mode(i), records.size(i)]).toEqual([e.deleted === true, e.mode, e.size]);
      expect(records.stat(i)).toEqual(e.stat);
      expect([...records.hash(i)]).toEqual([...e.hash]);
    }
  });

  it('survives the staging file: sorted by path, the same entries and new chunks, a copy equal to the original', () => {
    const newChunks = new ChunkRefTable();
    for (let i = 0; i < 40_000; i++) {
      const c = ref(i);
      newChunks.push(c.hash, c.offset, c.length, c.storedLength, c.codec);
    }
    const s = decodeStaging(encodeStaging({ baseSeq: 3, dataStart: 10, dataEnd: 20, entries: records, newChunks }));
    const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(s.entries.paths).toEqual(sorted.map((e) => e.path));
    for (const i of [0, 1, 6000, 11_999]) expect(plain(s.entries.entry(i))).toEqual(plain(sorted[i]));
    expect(s.newChunks.length).toBe(40_000);
    for (const i of [0, 16_383, 16_384, 32_768, 39_999]) expect(plain(s.newChunks.at(i))).toEqual(plain(ref(i)));
    const copy = StagedRecords.create();
    for (let i = 0; i < s.entries.count; i++) copy.copy(s.entries, i);
    expect(copy.byteLength).toBe(records.byteLength);
    expect(plain(copy.entry(6000))).toEqual(plain(sorted[6000]));
  });

  it('a decoded view is read-only', () => {
    const s = decodeStaging(
      encodeStaging({
        baseSeq: 1,
        dataStart: 0,
        dataEnd: 0,
        entries: StagedRecords.of([entry(1, 1)]),
        newChunks: new ChunkRefTable(),
      }),
    );
    expect(() => s.entries.add(entry(2, 1), entry(2, 1).stat)).toThrow(/read-only/);
    expect(() => (s.newChunks as ChunkRefTable).push(h('x'), 0, 1, 1, 0)).toThrow(/read-only/);
  });
});
