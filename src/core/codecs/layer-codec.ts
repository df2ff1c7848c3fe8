// Layer record: what one commit writes after its chunk data. Little-endian; hashes raw 32 bytes.
//
//  offset  size  field
//  ------  ----  -------------------------------------------------------------------------------
//  0       8     MAGIC "DIGLAYER"
//  8       2     VERSION (1)
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
//          …     file index:  per file, sorted by path (UTF-8 bytes): path (u16 + UTF-8), flags u8
//                             (bit 0 = deleted), mode u32, size u64, file hash 32, chunk root 32,
//                             chunk count u32, then that many chunk refs (49 bytes each, core/codecs/common.ts)
//          …     chunk index: chunk refs of the chunks whose bytes are in this layer's data region,
//                             sorted by offset and covering the region exactly
//          …     merkle:      parent store root 32, layer root 32, store root 32
//  end-32  32    checksum: SHA-256 of every byte before it
//
// The chunk data itself is not under the checksum: each chunk is verified against its own SHA-256.
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { checkDecodedPath } from '../paths.js';
import type { ChunkingParams, ChunkRef, FileEntry } from '../types.js';
import {
  CHUNK_REF_SIZE, finishWithChecksum, magic, readChunkRef, readChunkingParams, readPrologue, verifyChecksum,
  writeChunkRef, writeChunkingParams, writePrologue,
} from './common.js';

export const LAYER_MAGIC = magic('DIGLAYER');
export const LAYER_VERSION = 1;
export const LAYER_HEADER_SIZE = 80;
const MIN_FILE_ENTRY = 2 + 1 + 4 + 8 + 32 + 32 + 4;

export type LayerType = 'full' | 'delta';

export interface Layer {
  type: LayerType;
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
}

const TYPE_CODE: Record<LayerType, number> = { full: 1, delta: 2 };

export function encodeLayer(l: Layer): Buffer {
  const w = new ByteWriter(4096 + l.files.length * 200);
  writePrologue(w, LAYER_MAGIC, LAYER_VERSION);
  w.u8(TYPE_CODE[l.type]).u8(0).u32(l.number).u64(l.timestamp).u64(l.dataOffset).u64(l.dataLength);
  w.u32(l.files.length).u32(l.chunkIndex.length);
  const table = w.length;
  for (let i = 0; i < 8; i++) w.u32(0);
  const starts: number[] = [w.length];
  const msg = Buffer.from(l.message, 'utf8');
  w.u32(msg.length).bytes(msg).str16(l.author);
  writeChunkingParams(w, l.params);
  starts.push(w.length);
  for (const f of l.files) {
    w.str16(f.path).u8(f.deleted ? 1 : 0).u32(f.mode).u64(f.size).bytes(f.hash).bytes(f.chunkRoot).u32(f.chunks.length);
    for (const c of f.chunks) writeChunkRef(w, c);
  }
  starts.push(w.length);
  for (const c of l.chunkIndex) writeChunkRef(w, c);
  starts.push(w.length);
  w.bytes(l.parentRoot).bytes(l.layerRoot).bytes(l.storeRoot);
  starts.push(w.length);
  for (let s = 0; s < 4; s++) {
    w.patchU32(table + s * 8, starts[s]);
    w.patchU32(table + s * 8 + 4, starts[s + 1] - starts[s]);
  }
  return finishWithChecksum(w);
}

/** Reads one section's bounds from the table and checks they follow each other without gaps. */
function sections(r: ByteReader, bodyLen: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let expected = LAYER_HEADER_SIZE;
  for (let s = 0; s < 4; s++) {
    const off = r.u32();
    const len = r.u32();
    if (off !== expected || off + len > bodyLen) throw new CorruptDataError(`${r.what}: bad section table`);
    out.push([off, off + len]);
    expected = off + len;
  }
  if (expected !== bodyLen) throw new CorruptDataError(`${r.what}: sections do not fill the record`);
  return out;
}

export function decodeLayer(data: Uint8Array, what = 'layer'): Layer {
  const bodyLen = verifyChecksum(data, what, LAYER_HEADER_SIZE);
  const r = new ByteReader(data, what, 0, bodyLen);
  readPrologue(r, LAYER_MAGIC, LAYER_VERSION);
  const typeCode = r.u8();
  const type: LayerType | undefined = typeCode === 1 ? 'full' : typeCode === 2 ? 'delta' : undefined;
  if (!type) throw new CorruptDataError(`${what}: unknown layer type ${typeCode}`);
  r.u8();
  const number = r.u32();
  const timestamp = r.u64();
  const dataOffset = r.u64();
  const dataLength = r.u64();
  const fileCount = r.u32();
  const chunkCount = r.u32();
  const [meta, fileSec, chunkSec, merkleSec] = sections(r, bodyLen);

  const m = new ByteReader(data, `${what} meta`, meta[0], meta[1]);
  const msgLen = m.u32();
  m.need(msgLen);
  const message = Buffer.from(m.bytes(msgLen)).toString('utf8');
  const author = m.str16();
  const params = readChunkingParams(m);
  m.expectEnd();

  const fr = new ByteReader(data, `${what} file index`, fileSec[0], fileSec[1]);
  if (fileCount * MIN_FILE_ENTRY > fr.remaining) throw new CorruptDataError(`${what}: file count exceeds the index`);
  const files: FileEntry[] = new Array(fileCount);
  for (let i = 0; i < fileCount; i++) {
    const path = checkDecodedPath(fr.str16(), `${what} file index`);
    const flags = fr.u8();
    const mode = fr.u32();
    const size = fr.u64();
    const hash = fr.bytes(HASH_SIZE);
    const chunkRoot = fr.bytes(HASH_SIZE);
    const n = fr.count(CHUNK_REF_SIZE);
    const chunks: ChunkRef[] = new Array(n);
    for (let k = 0; k < n; k++) chunks[k] = readChunkRef(fr);
    files[i] = { path, mode, size, hash, chunkRoot, chunks, ...(flags & 1 ? { deleted: true } : {}) };
  }
  fr.expectEnd();

  const cr = new ByteReader(data, `${what} chunk index`, chunkSec[0], chunkSec[1]);
  if (chunkCount * CHUNK_REF_SIZE !== cr.remaining) throw new CorruptDataError(`${what}: chunk index size mismatch`);
  const chunkIndex: ChunkRef[] = new Array(chunkCount);
  for (let i = 0; i < chunkCount; i++) chunkIndex[i] = readChunkRef(cr);

  const mr = new ByteReader(data, `${what} merkle section`, merkleSec[0], merkleSec[1]);
  const parentRoot = mr.bytes(HASH_SIZE);
  const layerRoot = mr.bytes(HASH_SIZE);
  const storeRoot = mr.bytes(HASH_SIZE);
  mr.expectEnd();
  return {
    type, number, timestamp, dataOffset, dataLength, message, author, params, files, chunkIndex,
    parentRoot, layerRoot, storeRoot,
  };
}
