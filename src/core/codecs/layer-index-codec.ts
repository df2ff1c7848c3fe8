// Layer index: appended after every commit and pointed to by the superblock. It lists every layer of the
// generation with its location, roots and checksum, so it is also the store's root history.
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGLAYIX"
//  8       2     VERSION (2)
//  10      4     first: the layer number of the first entry here (1 for a full index)
//  14      8+8   base: offset and length of the full index holding layers 1..first-1 (0, 0 when first = 1)
//  30      4     entry count
//  34      141×n entries, by layer number: number u32, type u8 (1 full, 2 delta, 3 pruned: removed by
//                `gc --keep-history`, only its roots are kept and its locations are zero),
//                record offset u64, record length u64, data offset u64, data length u64,
//                timestamp u64, layer root 32, store root 32 (the generation's root hash),
//                record checksum 32 (copy of the layer record's own trailing SHA-256)
//  end-32  32    checksum: SHA-256 of every byte before it
//
// Why a base: every commit writes a new index, and a full one each time would make an archive of n commits
// carry n²/2 entries (70 MB at 1,000 commits). A commit instead writes the entries since the last full index
// (at most tailMax(n)) and points at it, and a full one when the tail would be longer. Readers read two
// records at most. Version 1 (pre-release builds) had no base and is refused.
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import type { LayerType } from './layer-codec.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const LAYER_INDEX_MAGIC = magic('DIGLAYIX');
export const LAYER_INDEX_VERSION = 2;
/**
 * Most entries a commit writes after a full index before it writes a new full one, for an index of n layers:
 * √n balances the tails (≈ √n/2 entries per commit) against the full indexes (n entries every √n commits),
 * so n commits write O(n√n) index entries instead of n²/2.
 */
export const tailMax = (n: number): number => Math.max(16, Math.ceil(Math.sqrt(n)));
const ENTRY_SIZE = 141;

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

/** One index record: `entries` are layers first.. ; layers before `first` are in the full index at `base`. */
export interface LayerIndexRecord {
  first: number;
  base?: IndexLocation;
  entries: LayerIndexEntry[];
}

/** A full index (all layers from 1), or with `base` the entries after the full index at `base`. */
export function encodeLayerIndex(entries: readonly LayerIndexEntry[], base?: IndexLocation): Buffer {
  const first = entries.length ? entries[0].number : 1;
  const w = new ByteWriter(64 + entries.length * ENTRY_SIZE);
  writePrologue(w, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION);
  w.u32(base ? first : 1)
    .u64(base?.offset ?? 0)
    .u64(base?.length ?? 0);
  w.u32(entries.length);
  for (const e of entries) {
    w.u32(e.number).u8(TYPE_CODE[e.type]).u64(e.recordOffset).u64(e.recordLength).u64(e.dataOffset);
    w.u64(e.dataLength).u64(e.timestamp).bytes(e.layerRoot).bytes(e.storeRoot).bytes(e.recordChecksum);
  }
  return finishWithChecksum(w);
}

export function decodeLayerIndex(data: Uint8Array, what = 'layer index'): LayerIndexRecord {
  const bodyLen = verifyChecksum(data, what, 34);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION);
  const first = r.u32();
  const base = { offset: r.u64(), length: r.u64() };
  if (first < 1 || (first === 1) !== (base.length === 0))
    throw new CorruptDataError(`${what}: bad base index reference`);
  const n = r.count(ENTRY_SIZE);
  const out: LayerIndexEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const number = r.u32();
    const t = r.u8();
    const type = TYPE_OF[t];
    if (!type) throw new CorruptDataError(`${what}: unknown layer type ${t}`);
    if (number !== first + i) throw new CorruptDataError(`${what}: layers out of sequence`);
    out[i] = {
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
  r.expectEnd();
  return { first, ...(first > 1 && { base }), entries: out };
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
