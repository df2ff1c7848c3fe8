// Pieces of the binary formats that more than one codec uses: chunk refs, chunking params, and the
// "magic + version" prologue and "SHA-256 checksum" epilogue that frame every file we write.
import type { ByteReader, ByteWriter } from '../bytes.js';
import { equalBytes, sha256, HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import type { ChunkRef, ChunkingParams, CdcParams, FileEntry } from '../types.js';

/** hash(32) offset(u64) length(u32) storedLength(u32) codec(u8) */
export const CHUNK_REF_SIZE = 49;

export function writeChunkRef(w: ByteWriter, c: ChunkRef): void {
  w.bytes(c.hash).u64(c.offset).u32(c.length).u32(c.storedLength).u8(c.codec);
}

export function readChunkRef(r: ByteReader): ChunkRef {
  const hash = r.bytes(HASH_SIZE);
  const offset = r.u64();
  const length = r.u32();
  const storedLength = r.u32();
  const codec = r.u8();
  if (codec === 0 && storedLength !== length)
    throw new CorruptDataError(`${r.what}: raw chunk with mismatched lengths`);
  return { hash, offset, length, storedLength, codec };
}

/**
 * One file entry as layers and the staging file write it: path (u16 + bytes), flags u8 (bit 0 = deleted), mode
 * u32, size u64, [the staging file's stat key: 3 × f64], file hash, chunk root, chunk count u32, chunk refs.
 */
export function writeFileEntry(
  w: ByteWriter,
  f: Omit<FileEntry, 'chunks'> & { chunks: readonly ChunkRef[] },
  stat?: { mtimeMs: number; ctimeMs: number; ino: number },
): void {
  w.path16(f.path)
    .u8(f.deleted ? 1 : 0)
    .u32(f.mode)
    .u64(f.size);
  if (stat) w.f64(stat.mtimeMs).f64(stat.ctimeMs).f64(stat.ino);
  w.bytes(f.hash).bytes(f.chunkRoot).u32(f.chunks.length);
  for (const c of f.chunks) writeChunkRef(w, c);
}

/** Checks the chunk ref at the reader's position as readChunkRef would, without decoding it. */
export function skipChunkRef(r: ByteReader): void {
  r.pos += HASH_SIZE + 8;
  const length = r.u32();
  const storedLength = r.u32();
  if (r.u8() === 0 && storedLength !== length)
    throw new CorruptDataError(`${r.what}: raw chunk with mismatched lengths`);
}

function writeCdc(w: ByteWriter, p: CdcParams): void {
  w.u32(p.minSize).u32(p.avgSize).u32(p.maxSize);
}

function readCdc(r: ByteReader): CdcParams {
  return { minSize: r.u32(), avgSize: r.u32(), maxSize: r.u32() };
}

/** skip(u32) small(u32) large(u64) normalization(u8) small{3×u32} medium{3×u32} large{3×u32} = 53 bytes */
export function writeChunkingParams(w: ByteWriter, p: ChunkingParams): void {
  w.u32(p.skipChunkingThreshold).u32(p.smallFileThreshold).u64(p.largeFileThreshold).u8(p.normalization);
  writeCdc(w, p.small);
  writeCdc(w, p.medium);
  writeCdc(w, p.large);
}

export function readChunkingParams(r: ByteReader): ChunkingParams {
  return {
    skipChunkingThreshold: r.u32(),
    smallFileThreshold: r.u32(),
    largeFileThreshold: r.u64(),
    normalization: r.u8(),
    small: readCdc(r),
    medium: readCdc(r),
    large: readCdc(r),
  };
}

export function writePrologue(w: ByteWriter, magic: Uint8Array, version: number): void {
  w.bytes(magic).u16(version);
}

/** Checks magic and version (one of `oldest`…`version`); returns the version, the reader positioned after it. */
export function readPrologue(r: ByteReader, magic: Uint8Array, version: number, oldest = version): number {
  if (!equalBytes(r.bytes(magic.length), magic))
    throw new CorruptDataError(`${r.what}: bad magic (not a digstore file of this kind)`);
  const v = r.u16();
  if (v < oldest || v > version) {
    const reads = oldest === version ? `${version}` : `${oldest} to ${version}`;
    throw new CorruptDataError(`${r.what}: unsupported format version ${v} (this digstore reads ${reads})`);
  }
  return v;
}

/** Appends SHA-256 of everything written so far. */
export function finishWithChecksum(w: ByteWriter): Buffer {
  // Appended in place: a Buffer.concat copied the whole body again (20 MB for a 100k-file layer).
  return w.bytes(sha256(w.finish())).finish();
}

/** Verifies the trailing SHA-256 before anything is decoded; returns the body length. */
export function verifyChecksum(data: Uint8Array, what: string, minBody: number): number {
  if (data.length < minBody + HASH_SIZE) throw new CorruptDataError(`${what}: truncated (${data.length} bytes)`);
  const bodyLen = data.length - HASH_SIZE;
  if (!equalBytes(sha256(data.subarray(0, bodyLen)), data.subarray(bodyLen))) {
    throw new CorruptDataError(`${what}: checksum mismatch`);
  }
  return bodyLen;
}

export const magic = (s: string): Uint8Array => {
  if (s.length !== 8) throw new Error('magic must be 8 ASCII bytes');
  return new Uint8Array(Buffer.from(s, 'latin1'));
};
