// Chunk refs packed in their 49-byte layout (common.ts) instead of one object and hash view each: the chunks
// an add appended (in fixed blocks, appended to), or a staging file's list of them (a view over its bytes).
// A million refs are 47 MB of records.
import { HASH_SIZE } from '../digest.js';
import type { ChunkRef, Indexed } from '../types.js';
import { CHUNK_REF_SIZE } from './common.js';

const PER_BLOCK = 1 << 14;

export class ChunkRefTable implements Indexed<ChunkRef> {
  private readonly blocks: Buffer[] = [];
  private readonly sealed: boolean;
  length = 0;

  /** An empty table to append to, or a read-only view over refs already encoded back to back in `data`. */
  constructor(data?: Buffer) {
    this.sealed = data !== undefined;
    if (!data) return;
    // Views of at most PER_BLOCK refs each, so that ref i is found the same way in both kinds.
    for (let at = 0; at < data.length; at += PER_BLOCK * CHUNK_REF_SIZE)
      this.blocks.push(data.subarray(at, at + PER_BLOCK * CHUNK_REF_SIZE));
    this.length = Math.floor(data.length / CHUNK_REF_SIZE);
  }

  static of(refs: readonly ChunkRef[]): ChunkRefTable {
    const t = new ChunkRefTable();
    for (const c of refs) t.push(c.hash, c.offset, c.length, c.storedLength, c.codec);
    return t;
  }

  /** The refs as encoded, block by block (views): what a staging file holds, written without decoding. */
  *parts(): Generator<Uint8Array> {
    for (let b = 0; b * PER_BLOCK < this.length; b++)
      yield this.blocks[b].subarray(0, Math.min(PER_BLOCK, this.length - b * PER_BLOCK) * CHUNK_REF_SIZE);
  }

  /** Appends a ref; returns its index. */
  push(hash: Uint8Array, offset: number, length: number, storedLength: number, codec: number): number {
    if (this.sealed) throw new Error('ChunkRefTable: a decoded view is read-only');
    const at = (this.length % PER_BLOCK) * CHUNK_REF_SIZE;
    if (at === 0) this.blocks.push(Buffer.allocUnsafeSlow(PER_BLOCK * CHUNK_REF_SIZE));
    const b = this.blocks[this.blocks.length - 1];
    b.set(hash, at);
    b.writeUInt32LE(offset % 0x1_0000_0000, at + 32);
    b.writeUInt32LE(Math.floor(offset / 0x1_0000_0000), at + 36);
    b.writeUInt32LE(length, at + 40);
    b.writeUInt32LE(storedLength, at + 44);
    b[at + 48] = codec;
    return this.length++;
  }

  private block(i: number): Buffer {
    return this.blocks[Math.floor(i / PER_BLOCK)];
  }

  /** The hash of ref `i` (a view into its block). */
  hash(i: number): Uint8Array {
    const b = this.block(i);
    return new Uint8Array(b.buffer, b.byteOffset + (i % PER_BLOCK) * CHUNK_REF_SIZE, HASH_SIZE);
  }

  /** Ref `i` as an object (its hash a view into the block). */
  at(i: number): ChunkRef {
    if (i < 0 || i >= this.length) throw new RangeError(`chunk ref ${i} of ${this.length}`);
    const b = this.block(i);
    const p = (i % PER_BLOCK) * CHUNK_REF_SIZE;
    return {
      hash: this.hash(i),
      offset: b.readUInt32LE(p + 32) + b.readUInt32LE(p + 36) * 0x1_0000_0000,
      length: b.readUInt32LE(p + 40),
      storedLength: b.readUInt32LE(p + 44),
      codec: b[p + 48],
    };
  }
}
