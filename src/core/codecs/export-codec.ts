// Export file (`digstore export`): a store, or the layers after a given generation, as one file. Because the
// archive is append-only with absolute offsets, an export is a header plus the archive's bytes from the
// base generation's committed length to the final one: appended to a store at the base generation, they are
// byte for byte what that store would hold had it made the commits itself.
//
//  offset  size  field
//  ------  ----  -------------------------------------------------------------------------------
//  0       8     MAGIC "DIGEXPRT"
//  8       2     VERSION (1)
//  10      32    store ID
//  42      8     store creation time (ms)
//  50      8     base generation (0: the whole store)
//  58      8     base length: archive offset the tail starts at (the committed length at the base)
//  66      32    base root (zeros for generation 0)
//  98      8     final generation
//  106     8     final length: the archive's committed length after the tail
//  114     8     final layer index offset (absolute)
//  122     8     final layer index length
//  130     32    final root
//  162     32    header checksum: SHA-256 of bytes 0–161
//  194     …     tail: archive bytes [base length, final length)
//  end-32  32    tail checksum: SHA-256 of the tail
import { ByteReader, ByteWriter } from '../bytes.js';
import { sha256 } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const EXPORT_MAGIC = magic('DIGEXPRT');
export const EXPORT_VERSION = 1;
export const EXPORT_HEADER_SIZE = 194;

export interface ExportHeader {
  storeId: Uint8Array;
  createdAt: number;
  baseGeneration: number;
  baseLength: number;
  baseRoot: Uint8Array;
  finalGeneration: number;
  finalLength: number;
  indexOffset: number;
  indexLength: number;
  finalRoot: Uint8Array;
}

export function encodeExportHeader(h: ExportHeader): Buffer {
  const w = new ByteWriter(EXPORT_HEADER_SIZE);
  writePrologue(w, EXPORT_MAGIC, EXPORT_VERSION);
  w.bytes(h.storeId).u64(h.createdAt).u64(h.baseGeneration).u64(h.baseLength).bytes(h.baseRoot);
  w.u64(h.finalGeneration).u64(h.finalLength).u64(h.indexOffset).u64(h.indexLength).bytes(h.finalRoot);
  const body = w.finish();
  return Buffer.concat([body, sha256(body)]);
}

export function decodeExportHeader(data: Uint8Array, what = 'export file'): ExportHeader {
  if (data.length < EXPORT_HEADER_SIZE) throw new CorruptDataError(`${what}: truncated header`);
  verifyChecksum(data.subarray(0, EXPORT_HEADER_SIZE), `${what} header`, EXPORT_HEADER_SIZE - 32);
  const r = new ByteReader(data, what, 0, EXPORT_HEADER_SIZE - 32);
  readPrologue(r, EXPORT_MAGIC, EXPORT_VERSION);
  const h: ExportHeader = {
    storeId: r.bytes(32),
    createdAt: r.u64(),
    baseGeneration: r.u64(),
    baseLength: r.u64(),
    baseRoot: r.bytes(32),
    finalGeneration: r.u64(),
    finalLength: r.u64(),
    indexOffset: r.u64(),
    indexLength: r.u64(),
    finalRoot: r.bytes(32),
  };
  if (
    h.finalGeneration <= h.baseGeneration ||
    h.finalLength <= h.baseLength ||
    h.baseLength < 256 ||
    h.indexOffset < h.baseLength ||
    h.indexOffset + h.indexLength !== h.finalLength
  ) {
    throw new CorruptDataError(`${what}: header fields are inconsistent`);
  }
  return h;
}
