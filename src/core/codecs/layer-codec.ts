// Layer record: what one commit writes after its chunk data. Little-endian; hashes raw 32 bytes.
//
//  offset  size  field
//  ------  ----  -------------------------------------------------------------------------------
//  0       8     MAGIC "DIGLAYER"
//  8       2     VERSION (3; 2 is still read: the same layout, but its file leaves do not bind the mode)
//  10      1     type: 1 = full (every file of the generation), 2 = delta (changes and deletions)
//  11      1     flags (0)
//  12      4     layer number (1, 2, …; the archive header plays the spec's metadata layer 0)
//  16      8     timestamp, ms since the epoch
//  24      8     data offset: absolute archive offset of this layer's chunk data region
//  32      8     data length (the region holds exactly the chunks listed in the chunk index)
//  40      4     file count
//  44      4     chunk index count
//  48      4×8   section table: (offset u32, length u32) relative to the record start, for
//                meta, file index, chunk index, merkle — in that order, contiguous
//  80      …     meta:        message (u32 length + UTF-8), author (u16 + UTF-8), chunking params (53)
//          …     file index:  file count × u32 entry offsets (relative to the section start), then per
//                             file, sorted by path (UTF-8 bytes): path (u16 + UTF-8), flags u8
//                             (bit 0 = deleted), mode u32 (100644, 100755 or 120000 = symbolic link, whose
//                             content is the link target), size u64, file hash 32, chunk root 32,
//                             chunk count u32, then that many chunk refs (49 bytes each, core/codecs/common.ts)
//          …     chunk index: chunk refs of the chunks whose bytes are in this layer's data region,
//                             sorted by offset and covering the region exactly
//          …     merkle:      parent store root 32, layer root 32, store root 32, generation file count
//                             u32 (the complete set's; a delta layer lists fewer), block bits u8 (6),
//                             block count u32, block roots 32 each: the merkle roots of each run of
//                             2^bits leaves of the generation's complete file set (the tree's nodes at
//                             that level), so a proof touches one block of entries instead of every file
//  end-32  32    checksum: SHA-256 of every byte before it
//
// The chunk data itself is not under the checksum: each chunk is verified against its own SHA-256.
// Version 1 (pre-release builds) had no entry offsets and no block roots; it is refused, not guessed at.
import { ByteWriter } from '../bytes.js';
import { layerTree } from '../roots.js';
import type { ChunkingParams, ChunkRef, FileEntry, Indexed } from '../types.js';
import {
  CHUNK_REF_SIZE,
  finishWithChecksum,
  magic,
  writeChunkRef,
  writeChunkingParams,
  writeFileEntry,
  writePrologue,
} from './common.js';

export const LAYER_MAGIC = magic('DIGLAYER');
export const LAYER_VERSION = 3;
/** Format 2 layers are read (and kept at format 2 by gc): their leaves are `fileLeaf(f, false)`. */
export const LAYER_OLDEST_VERSION = 2;

/** Whether a layer of format `version` binds each entry's mode into its file leaf (core/roots.ts). */
export const bindsMode = (version = LAYER_VERSION): boolean => version >= 3;
/** Files per merkle block: 2^6 = 64 leaves under each stored block root. */
export const BLOCK_BITS = 6;
export const LAYER_HEADER_SIZE = 80;

export type LayerType = 'full' | 'delta';

export interface Layer {
  type: LayerType;
  /** Format version: LAYER_VERSION when omitted (a new layer); kept when a layer is rewritten. */
  version?: number;
  number: number;
  timestamp: number;
  dataOffset: number;
  dataLength: number;
  message: string;
  author: string;
  params: ChunkingParams;
  files: FileEntry[];
  chunkIndex: ChunkRef[];
  parentRoot: Uint8Array;
  layerRoot: Uint8Array;
  storeRoot: Uint8Array;
  /** Files in the generation's complete set (= files.length for a full layer). */
  totalFiles?: number;
  /** Roots of each run of 2^BLOCK_BITS file leaves of the generation; computed from `files` when omitted. */
  blockRoots?: Uint8Array[];
}

const TYPE_CODE: Record<LayerType, number> = { full: 1, delta: 2 };

/** A layer to encode: its files may be an array or entries made on demand (each is read twice at most). */
export type LayerToWrite = Omit<Layer, 'files' | 'chunkIndex'> & {
  /** With `write`, an entry may be written from bytes already in this layout (`write` returns true). */
  files: Indexed<FileEntry> & { write?(i: number, w: ByteWriter): boolean };
  chunkIndex: Indexed<ChunkRef>;
};

export function encodeLayer(l: LayerToWrite): Buffer {
  // Room for typical entries up front: growing copies the record so far, and pages never written cost nothing.
  const w = new ByteWriter(4096 + l.files.length * 320 + l.chunkIndex.length * CHUNK_REF_SIZE);
  writePrologue(w, LAYER_MAGIC, l.version ?? LAYER_VERSION);
  w.u8(TYPE_CODE[l.type]).u8(0).u32(l.number).u64(l.timestamp).u64(l.dataOffset).u64(l.dataLength);
  w.u32(l.files.length).u32(l.chunkIndex.length);
  const table = w.length;
  for (let i = 0; i < 8; i++) w.u32(0);
  const starts: number[] = [w.length];
  const msg = Buffer.from(l.message, 'utf8');
  w.u32(msg.length).bytes(msg).str16(l.author);
  writeChunkingParams(w, l.params);
  starts.push(w.length);
  const fileSec = w.length;
  for (let i = 0; i < l.files.length; i++) w.u32(0);
  for (let i = 0; i < l.files.length; i++) {
    w.patchU32(fileSec + i * 4, w.length - fileSec);
    if (!l.files.write?.(i, w)) writeFileEntry(w, l.files.at(i)!);
  }
  starts.push(w.length);
  for (let i = 0; i < l.chunkIndex.length; i++) writeChunkRef(w, l.chunkIndex.at(i)!);
  starts.push(w.length);
  w.bytes(l.parentRoot).bytes(l.layerRoot).bytes(l.storeRoot);
  const blocks = l.blockRoots ?? layerTree(l.files, bindsMode(l.version)).blocks;
  w.u32(l.totalFiles ?? l.files.length)
    .u8(BLOCK_BITS)
    .u32(blocks.length);
  for (const b of blocks) w.bytes(b);
  starts.push(w.length);
  for (let s = 0; s < 4; s++) {
    w.patchU32(table + s * 8, starts[s]);
    w.patchU32(table + s * 8 + 4, starts[s + 1] - starts[s]);
  }
  return finishWithChecksum(w);
}
