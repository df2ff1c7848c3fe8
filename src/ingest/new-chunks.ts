// The chunks an add appended, as packed chunk refs (the 49-byte layout of core/codecs/common.ts) in fixed
// blocks: a million new chunks are 47 MB of records, not a million objects and hash views.
import { HASH_SIZE } from '../core/digest.js';
import type { ChunkRef, Indexed } from '../core/types.js';
import { CHUNK_REF_SIZE } from '../core/codecs/common.js';

const PER_BLOCK = 1 << 14;

export class NewChunks implements Indexed<ChunkRef> {
  private readonly blocks: Buffer[] = [];
  length = 0;

  /** Appends a ref; returns its index. */
  push(hash: Uint8Array, offset: number, length: number, storedLength: number, codec: number): number {
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
