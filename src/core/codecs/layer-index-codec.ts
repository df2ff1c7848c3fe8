// Layer index: appended after every commit and pointed to by the superblock. It lists every layer of the
// generation with its location, roots and checksum, so it is also the store's root history.
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGLAYIX"
//  8       2     VERSION (1)
//  10      4     entry count
//  14      141×n entries, by layer number: number u32, type u8 (1 full, 2 delta, 3 pruned: removed by
//                `gc --keep-history`, only its roots are kept and its locations are zero),
//                record offset u64, record length u64, data offset u64, data length u64,
//                timestamp u64, layer root 32, store root 32 (the generation's root hash),
//                record checksum 32 (copy of the layer record's own trailing SHA-256)
//  end-32  32    checksum: SHA-256 of every byte before it
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import type { LayerType } from './layer-codec.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const LAYER_INDEX_MAGIC = magic('DIGLAYIX');
export const LAYER_INDEX_VERSION = 1;
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

export function encodeLayerIndex(entries: readonly LayerIndexEntry[]): Buffer {
  const w = new ByteWriter(64 + entries.length * ENTRY_SIZE);
  writePrologue(w, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION);
  w.u32(entries.length);
  for (const e of entries) {
    w.u32(e.number).u8(TYPE_CODE[e.type]).u64(e.recordOffset).u64(e.recordLength).u64(e.dataOffset);
    w.u64(e.dataLength).u64(e.timestamp).bytes(e.layerRoot).bytes(e.storeRoot).bytes(e.recordChecksum);
  }
  return finishWithChecksum(w);
}

export function decodeLayerIndex(data: Uint8Array, what = 'layer index'): LayerIndexEntry[] {
  const bodyLen = verifyChecksum(data, what, 14);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, LAYER_INDEX_MAGIC, LAYER_INDEX_VERSION);
  const n = r.count(ENTRY_SIZE);
  const out: LayerIndexEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const number = r.u32();
    const t = r.u8();
    const type = TYPE_OF[t];
    if (!type) throw new CorruptDataError(`${what}: unknown layer type ${t}`);
    if (number !== i + 1) throw new CorruptDataError(`${what}: layers out of sequence`);
    out[i] = {
      number, type, recordOffset: r.u64(), recordLength: r.u64(), dataOffset: r.u64(),
      dataLength: r.u64(), timestamp: r.u64(), layerRoot: r.bytes(HASH_SIZE), storeRoot: r.bytes(HASH_SIZE),
      recordChecksum: r.bytes(HASH_SIZE),
    };
  }
  r.expectEnd();
  return out;
}
