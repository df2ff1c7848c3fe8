// Layer index records: one is appended after every commit and the superblock points at the newest. Together
// they list every layer with its location, roots and checksum: the store's root history.
//
// Version 3 (written now): a record is the head of a tree of records with fanout F = 16 (layer-index-tree.ts).
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGLAYIX"
//  8       2     VERSION (3)
//  10      4     record length in bytes, checksum included (lets a scan for records find their end)
//  14      4     count n: this record describes layers 1..n
//  18      1     fanout F (16)
//  19      1     levels m above the entries (0..7)
//  20      1     peaks p = set bits of n
//  21      1     k0: entries here (1..F), layers n-k0+1..n
//  22      32×p  peaks: roots of the perfect subtrees of the store tree over layer roots 1..n, largest first
//  …             for level m down to 1: count u8 (0..F), then count × (offset u64, length u32) of an older
//                record whose level L-1 run is full: F entries (L = 1) or F pointers, covering F^L layers
//  …             k0 entries of 141 bytes: number u32, type u8 (1 full, 2 delta, 3 pruned: removed by
//                `gc --keep-history`, only its roots kept, locations zero), record offset u64, record length
//                u64, data offset u64, data length u64, timestamp u64, layer root 32, store root 32, record
//                checksum 32 (a copy of the layer record's own trailing SHA-256)
//  end-32  32    checksum: SHA-256 of every byte before it
// Layers are covered oldest first: level m's pointers, …, level 1's, then the entries.
//
// Version 2 (read only): [magic][version 2][first u32][base offset u64, length u64][count u32][entries]
// [checksum]: the entries first.. and, when first > 1, the full version 2 index of layers 1..first-1 at base.
// Its writers made a new full index every √n commits (O(n√n) bytes for n commits); the tree writes O(1).
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { peakCount } from '../merkle-frontier.js';
import type { LayerType } from './layer-codec.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const LAYER_INDEX_MAGIC = magic('DIGLAYIX');
export const LAYER_INDEX_VERSION = 3;
export const INDEX_FANOUT = 16;
const MAX_LEVELS = 7; // F^8 > 2^32 layers
const ENTRY_SIZE = 141;
const V3_HEADER = 22;
const V2_HEADER = 34;

/** A generation `gc --keep-history` removed: its roots stay (later roots are built on them), its data is gone. */
export type IndexEntryType = LayerType | 'pruned';
const TYPE_CODE = { full: 1, delta: 2, pruned: 3 } as const;
const TYPE_OF = [undefined, 'full', 'delta', 'pruned'] as const;

export interface LayerIndexEntry {
  number: number;
  type: IndexEntryType;
  recordOffset: number;
  recordLength: number;
  dataOffset: number;
  dataLength: number;
  timestamp: number;
  layerRoot: Uint8Array;
  storeRoot: Uint8Array;
  recordChecksum: Uint8Array;
}

export interface IndexLocation {
  offset: number;
  length: number;
}

/** The tree state a version 3 record holds (see the table above). */
export interface IndexTreeState {
  count: number;
  peaks: Uint8Array[];
  /** levels[L-1]: the pointers at level L, oldest first. */
  levels: IndexLocation[][];
  entries: LayerIndexEntry[];
}

/** A decoded record: version 3 state, or version 2's entries with the base index they continue. */
export interface LayerIndexRecord extends IndexTreeState {
  version: 2 | 3;
  /** The number of entries[0]. */
  first: number;
  base?: IndexLocation;
}

export function encodeLayerIndex(s: IndexTreeState): Buffer {
  const w = new ByteWriter(V3_HEADER + 32 * s.peaks.length + s.entries.length * ENTRY_SIZE + 256);
  writePrologue(w, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION);
  w.u32(0).u32(s.count).u8(INDEX_FANOUT).u8(s.levels.length).u8(s.peaks.length).u8(s.entries.length);
  for (const p of s.peaks) w.bytes(p);
  for (let L = s.levels.length; L >= 1; L--) {
    w.u8(s.levels[L - 1].length);
    for (const p of s.levels[L - 1]) w.u64(p.offset).u32(p.length);
  }
  for (const e of s.entries) writeEntry(w, e);
  w.patchU32(10, w.length + HASH_SIZE);
  return finishWithChecksum(w);
}

function writeEntry(w: ByteWriter, e: LayerIndexEntry): void {
  w.u32(e.number).u8(TYPE_CODE[e.type]).u64(e.recordOffset).u64(e.recordLength).u64(e.dataOffset);
  w.u64(e.dataLength).u64(e.timestamp).bytes(e.layerRoot).bytes(e.storeRoot).bytes(e.recordChecksum);
}

function readEntry(r: ByteReader, expected: number): LayerIndexEntry {
  const number = r.u32();
  const t = r.u8();
  const type = TYPE_OF[t];
  if (!type) throw new CorruptDataError(`${r.what}: unknown layer type ${t}`);
  if (number !== expected) throw new CorruptDataError(`${r.what}: layers out of sequence`);
  return {
    number,
    type,
    recordOffset: r.u64(),
    recordLength: r.u64(),
    dataOffset: r.u64(),
    dataLength: r.u64(),
    timestamp: r.u64(),
    layerRoot: r.bytes(HASH_SIZE),
    storeRoot: r.bytes(HASH_SIZE),
    recordChecksum: r.bytes(HASH_SIZE),
  };
}

/** The length a record starting with `head` (at least 34 bytes) says it has; undefined when it cannot say. */
export function indexRecordLength(head: Uint8Array): number | undefined {
  if (head.length < V2_HEADER) return undefined;
  const b = Buffer.from(head.buffer, head.byteOffset, head.length);
  const version = b.readUInt16LE(8);
  if (version === 3) return b.readUInt32LE(10);
  if (version === 2) return V2_HEADER + b.readUInt32LE(30) * ENTRY_SIZE + HASH_SIZE;
  return undefined;
}

export function decodeLayerIndex(data: Uint8Array, what = 'layer index'): LayerIndexRecord {
  const bodyLen = verifyChecksum(data, what, V3_HEADER);
  const r = new ByteReader(data, what, 0, bodyLen);
  const version = readPrologue(r, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION, 2) as 2 | 3;
  return version === 2 ? decodeV2(r) : decodeV3(r, data.length);
}

function decodeV3(r: ByteReader, length: number): LayerIndexRecord {
  if (r.u32() !== length) throw new CorruptDataError(`${r.what}: record length mismatch`);
  const count = r.u32();
  const fanout = r.u8();
  const m = r.u8();
  const np = r.u8();
  const k0 = r.u8();
  if (fanout !== INDEX_FANOUT || m > MAX_LEVELS || np !== peakCount(count) || k0 < 1 || k0 > fanout)
    throw new CorruptDataError(`${r.what}: bad tree header`);
  const peaks: Uint8Array[] = [];
  for (let i = 0; i < np; i++) peaks.push(r.bytes(HASH_SIZE));
  const levels: IndexLocation[][] = new Array(m);
  let covered = k0;
  for (let L = m; L >= 1; L--) {
    const k = r.u8();
    if (k > fanout) throw new CorruptDataError(`${r.what}: level ${L} has ${k} pointers`);
    levels[L - 1] = [];
    for (let i = 0; i < k; i++) levels[L - 1].push({ offset: r.u64(), length: r.u32() });
    covered += k * fanout ** L;
  }
  if (covered !== count) throw new CorruptDataError(`${r.what}: covers ${covered} layers, says ${count}`);
  const first = count - k0 + 1;
  const entries: LayerIndexEntry[] = [];
  if (r.remaining !== k0 * ENTRY_SIZE) throw new CorruptDataError(`${r.what}: bad entry count`);
  for (let i = 0; i < k0; i++) entries.push(readEntry(r, first + i));
  r.expectEnd();
  return { version: 3, count, first, peaks, levels, entries };
}

function decodeV2(r: ByteReader): LayerIndexRecord {
  const first = r.u32();
  const base = { offset: r.u64(), length: r.u64() };
  if (first < 1 || (first === 1) !== (base.length === 0))
    throw new CorruptDataError(`${r.what}: bad base index reference`);
  const n = r.count(ENTRY_SIZE);
  const entries: LayerIndexEntry[] = new Array(n);
  for (let i = 0; i < n; i++) entries[i] = readEntry(r, first + i);
  r.expectEnd();
  const count = first + n - 1;
  return { version: 2, count, first, ...(first > 1 && { base }), peaks: [], levels: [], entries };
}

/** `entry` placed at `offset` with `record` (a layer record): its location and the record's own checksum. */
export function atRecord<E extends object>(
  entry: E,
  record: Uint8Array,
  offset: number,
): E & Pick<LayerIndexEntry, 'recordOffset' | 'recordLength' | 'recordChecksum'> {
  return {
    ...entry,
    recordOffset: offset,
    recordLength: record.length,
    recordChecksum: record.subarray(record.length - 32),
  };
}
