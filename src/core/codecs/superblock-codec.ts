// Archive superblock: the first 256 bytes of `{storeId}.dig` hold two 128-byte slots. A commit writes
// the slot NOT holding the current generation, so a torn write can only damage the slot being written;
// readers take the valid slot with the highest sequence number (the LMDB double-meta-page idea).
//
//  offset  size  field (one slot)
//  ------  ----  ---------------------------------------------------------------
//  0       8     MAGIC "DIGSTORE"
//  8       2     VERSION (1)
//  10      6     reserved (zero)
//  16      32    store ID
//  48      8     sequence number (generation; 0 = freshly initialised, no layers)
//  56      8     committed length: archive bytes that belong to this generation
//  64      8     layer index offset (0 when there are no layers)
//  72      8     layer index length
//  80      8     store creation time, ms since the epoch
//  88      8     reserved (zero)
//  96      32    checksum: SHA-256 of bytes 0..95 of the slot
import { ByteReader, ByteWriter } from '../bytes.js';
import { HASH_SIZE, equalBytes, sha256 } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { magic, readPrologue, writePrologue } from './common.js';

export const SUPERBLOCK_MAGIC = magic('DIGSTORE');
export const SUPERBLOCK_VERSION = 1;
export const SLOT_SIZE = 128;
/** Bytes before the first layer's data. */
export const ARCHIVE_HEADER_SIZE = 2 * SLOT_SIZE;

export interface Superblock {
  storeId: Uint8Array;
  seq: number;
  committedLength: number;
  indexOffset: number;
  indexLength: number;
  createdAt: number;
}

export function encodeSuperblock(s: Superblock): Buffer {
  const w = new ByteWriter(SLOT_SIZE);
  writePrologue(w, SUPERBLOCK_MAGIC, SUPERBLOCK_VERSION);
  w.u16(0).u32(0).bytes(s.storeId).u64(s.seq).u64(s.committedLength).u64(s.indexOffset).u64(s.indexLength);
  w.u64(s.createdAt).u64(0);
  const body = w.finish();
  return Buffer.concat([body, sha256(body)]);
}

export function decodeSuperblock(slot: Uint8Array, what = 'archive superblock'): Superblock {
  if (slot.length !== SLOT_SIZE) throw new CorruptDataError(`${what}: truncated`);
  const body = slot.subarray(0, SLOT_SIZE - HASH_SIZE);
  if (!equalBytes(sha256(body), slot.subarray(SLOT_SIZE - HASH_SIZE)))
    throw new CorruptDataError(`${what}: checksum mismatch`);
  const r = new ByteReader(body, what);
  readPrologue(r, SUPERBLOCK_MAGIC, SUPERBLOCK_VERSION);
  r.u16();
  r.u32();
  const storeId = r.bytes(HASH_SIZE);
  const seq = r.u64();
  const committedLength = r.u64();
  const indexOffset = r.u64();
  const indexLength = r.u64();
  const createdAt = r.u64();
  if (committedLength < ARCHIVE_HEADER_SIZE || indexOffset + indexLength > committedLength) {
    throw new CorruptDataError(`${what}: offsets out of range`);
  }
  return { storeId, seq, committedLength, indexOffset, indexLength, createdAt };
}

/** Picks the newest valid slot of the two; throws only when neither is valid. */
export function pickSuperblock(header: Uint8Array): { sb: Superblock; slot: number } {
  const found: Array<{ sb: Superblock; slot: number }> = [];
  const errors: string[] = [];
  for (let slot = 0; slot < 2; slot++) {
    try {
      found.push({
        sb: decodeSuperblock(header.subarray(slot * SLOT_SIZE, (slot + 1) * SLOT_SIZE), `superblock slot ${slot + 1}`),
        slot,
      });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (found.length === 0) throw new CorruptDataError(`archive header: no valid superblock (${errors.join('; ')})`);
  found.sort((a, b) => b.sb.seq - a.sb.seq);
  return found[0];
}
