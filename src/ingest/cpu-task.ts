// The CPU stage of the ingest pipeline: FastCDC + SHA-256, as pure functions over buffers, run in a
// worker thread (or in-process with `workers: 0`). Results are packed into one buffer per job so a batch
// of 200 files costs one message, not 200.
import { cutLengths } from '../chunking/cut-wasm.js';
import { ByteReader, ByteWriter } from '../core/bytes.js';
import { chunkRoot } from '../core/roots.js';
import { sha256 } from '../core/digest.js';
import type { ChunkingParams } from '../core/types.js';
import { cdcFor, preparedFor } from './chunk-content.js';
import { compressChunk, type CompressionName } from '../core/compression.js';

export interface FileResult {
  hash: Uint8Array;
  chunkRoot: Uint8Array;
  /** Chunk lengths and hashes, in file order. */
  lengths: number[];
  hashes: Uint8Array[];
  /** Per chunk, the compressed form when it is smaller (undefined: store the raw bytes). */
  stored: Array<StoredForm | undefined>;
}

export interface StoredForm {
  codec: number;
  bytes: Uint8Array;
}

const sha = sha256;

/** Chunks and hashes files laid out back to back in `slab`; `sizes[i]` bytes each. */
export function processBatch(
  slab: Uint8Array,
  sizes: ArrayLike<number>,
  params: ChunkingParams,
  compression: CompressionName = 'none',
): Uint8Array {
  const w = new ByteWriter(sizes.length * 120 + 64);
  let off = 0;
  for (let i = 0; i < sizes.length; i++) {
    const data = slab.subarray(off, off + sizes[i]);
    off += sizes[i];
    const hash = sha(data);
    const cdc = cdcFor(data.length, params);
    const lengths: number[] = [];
    const hashes: Uint8Array[] = [];
    if (!cdc) {
      if (data.length > 0) {
        lengths.push(data.length);
        hashes.push(hash);
      }
    } else {
      let s = 0;
      for (const len of cutLengths(data, 0, data.length, preparedFor(cdc, params.normalization))) {
        lengths.push(len);
        // A file of one chunk: its chunk is the whole file, whose hash is already known.
        hashes.push(len === data.length ? hash : sha(data.subarray(s, s + len)));
        s += len;
      }
    }
    w.bytes(hash).bytes(chunkRoot(hashes, lengths)).u32(lengths.length);
    let c = 0;
    for (let k = 0; k < lengths.length; k++) {
      w.u32(lengths[k]).bytes(hashes[k]);
      writeStored(w, compressChunk(data.subarray(c, c + lengths[k]), compression));
      c += lengths[k];
    }
  }
  return w.finish();
}

/** codec u8, then (when not raw) stored length u32 and the stored bytes. */
export function writeStored(w: ByteWriter, s: StoredForm | undefined): void {
  if (!s) w.u8(0);
  else w.u8(s.codec).u32(s.bytes.length).bytes(s.bytes);
}

export function readStored(r: ByteReader): StoredForm | undefined {
  const codec = r.u8();
  if (codec === 0) return undefined;
  const n = r.u32();
  return { codec, bytes: r.bytes(n) };
}

export function unpackBatch(packed: Uint8Array, count: number): FileResult[] {
  const r = new ByteReader(packed, 'worker result');
  const out: FileResult[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const hash = r.bytes(32);
    const root = r.bytes(32);
    const n = r.u32();
    const lengths: number[] = new Array(n);
    const hashes: Uint8Array[] = new Array(n);
    const stored: Array<StoredForm | undefined> = new Array(n);
    for (let k = 0; k < n; k++) {
      lengths[k] = r.u32();
      hashes[k] = r.bytes(32);
      stored[k] = readStored(r);
    }
    out[i] = { hash, chunkRoot: root, lengths, hashes, stored };
  }
  return out;
}

/**
 * Chunking state for one large file read in blocks. Cut points must be exactly those of chunking the whole
 * file at once, so the bytes after the last cut are carried into the next block, and a cut is only searched
 * when at least maxSize bytes (or the end of the file) are available: FastCDC never looks further than that.
 *
 * Blocks arrive in shared buffers laid out as [prefix | data]. The carried bytes (< maxSize, still in the
 * previous block's buffer, which the caller keeps until this call returns) are copied into the end of the
 * prefix, so [carry | data] is contiguous: no per-block allocation and no copy of the block itself.
 * The whole-file hash is not computed here: another thread hashes the same blocks at the same time.
 */
export class StreamChunker {
  private carried: Uint8Array = new Uint8Array(0);
  private readonly prepared;

  constructor(
    readonly size: number,
    params: ChunkingParams,
    private readonly compression: CompressionName = 'none',
  ) {
    const cdc = cdcFor(size, params);
    if (!cdc) throw new Error('StreamChunker is for files above the chunking threshold');
    this.prepared = preparedFor(cdc, params.normalization);
  }

  /** `buf` holds `prefix` bytes of room, then `length` bytes of the block. Offsets are relative to the carry. */
  push(
    buf: Uint8Array,
    prefix: number,
    length: number,
    last: boolean,
  ): { carry: number; lengths: number[]; hashes: Uint8Array[]; stored: Array<StoredForm | undefined> } {
    const carry = this.carried.length;
    if (carry > prefix) throw new Error('carry-over larger than the block prefix');
    buf.set(this.carried, prefix - carry);
    const region = buf.subarray(prefix - carry, prefix + length);
    const lengths = cutLengths(region, 0, region.length, this.prepared, last);
    const hashes: Uint8Array[] = new Array(lengths.length);
    const stored: Array<StoredForm | undefined> = new Array(lengths.length);
    let s = 0;
    for (let k = 0; k < lengths.length; k++) {
      const chunk = region.subarray(s, s + lengths[k]);
      hashes[k] = sha(chunk);
      stored[k] = compressChunk(chunk, this.compression);
      s += lengths[k];
    }
    this.carried = region.subarray(s);
    return { carry, lengths, hashes, stored };
  }
}
