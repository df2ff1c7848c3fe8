// How digstore's hashes bind content (see docs/format.md, "Hashes and roots"):
//   chunk leaf  = leaf hash of: offset u64 | length u32 | chunk hash (SHA-256 of the chunk bytes)
//   chunk root  = merkle root over the file's chunk leaves, in file order
//   file leaf   = leaf hash of: path (u16 length + bytes) | mode u32 | size u64 | file hash | chunk root
//                 (layer format 2 had no mode: `bindsMode` false reproduces those leaves for old stores)
//   layer root  = merkle root over the file leaves of the generation, sorted by path (UTF-8 bytes)
//   store root  = merkle root over the layer roots of layers 1..n: the root hash of generation n
import { ByteWriter } from './bytes.js';
import { sha256 } from './digest.js';
import { writePathBytes } from './path-bytes.js';
import { leafHash, merkleRoot, merkleRootOfLeaves } from './merkle.js';
import { appendLeaf, frontierRoot } from './merkle-frontier.js';
import type { FileEntry, Indexed } from './types.js';

// The spec says "merkle root over the chunk hashes"; we also bind each chunk's offset and length, or a byte-range
// proof could present a real chunk of the file as lying at another offset (see docs/format.md, "Proofs").
export const CHUNK_LEAF_SIZE = 8 + 4 + 32;
const chunkScratch = Buffer.allocUnsafe(1 + CHUNK_LEAF_SIZE);

export function chunkLeaf(offset: number, length: number, hash: Uint8Array): Uint8Array {
  chunkScratch[0] = 0x00;
  chunkScratch.writeUInt32LE(offset % 0x1_0000_0000, 1);
  chunkScratch.writeUInt32LE(Math.floor(offset / 0x1_0000_0000), 5);
  chunkScratch.writeUInt32LE(length, 9);
  chunkScratch.set(hash, 13);
  return sha256(chunkScratch);
}

/** Leaves of a file's chunks given their hashes and lengths in file order (offsets are the running sums). */
export function chunkLeaves(hashes: readonly Uint8Array[], lengths: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = new Array(hashes.length);
  let off = 0;
  for (let i = 0; i < hashes.length; i++) {
    out[i] = chunkLeaf(off, lengths[i], hashes[i]);
    off += lengths[i];
  }
  return out;
}

export function chunkRoot(hashes: readonly Uint8Array[], lengths: readonly number[]): Uint8Array {
  return merkleRootOfLeaves(chunkLeaves(hashes, lengths));
}

type LeafFields = Pick<FileEntry, 'path' | 'mode' | 'size' | 'hash' | 'chunkRoot'>;

export function fileLeafData(f: LeafFields, bindsMode = true): Uint8Array {
  const w = new ByteWriter(128).path16(f.path);
  if (bindsMode) w.u32(f.mode);
  return w.u64(f.size).bytes(f.hash).bytes(f.chunkRoot).finish();
}

// Leaf hashing for a whole layer (20k+ files per commit) reuses one buffer: 0x00 prefix, then the leaf data.
let scratch = Buffer.allocUnsafe(1024);

/**
 * The leaf of one file entry. Its mode (regular, executable, symbolic link) is bound as git's tree entries bind
 * it, so a proof tells a link from a file holding the link's text; `bindsMode` false is layer format 2's leaf.
 */
export function fileLeaf(f: LeafFields, bindsMode = true): Uint8Array {
  const max = 1 + 2 + f.path.length * 3 + 4 + 8 + 64;
  if (max > scratch.length) scratch = Buffer.allocUnsafe(max * 2);
  scratch[0] = 0x00;
  const n = writePathBytes(scratch, f.path, 3);
  scratch.writeUInt16LE(n, 1);
  let p = 3 + n;
  if (bindsMode) {
    scratch.writeUInt32LE(f.mode, p);
    p += 4;
  }
  scratch.writeUInt32LE(f.size % 0x1_0000_0000, p);
  scratch.writeUInt32LE(Math.floor(f.size / 0x1_0000_0000), p + 4);
  scratch.set(f.hash, p + 8);
  scratch.set(f.chunkRoot, p + 40);
  p += 72;
  return sha256(scratch.subarray(0, p));
}

/** Leaves per stored block root: 2^6 (layer-codec.ts BLOCK_BITS). */
const DEFAULT_BLOCK_BITS = 6;

/**
 * The layer root of a generation and the block roots stored with it (`files`: the complete file set, sorted by
 * path, without deletion markers). The root is computed from the blocks: the same value as over every leaf.
 */
export function layerTree(files: Indexed<FileEntry>, bindsMode = true): { root: Uint8Array; blocks: Uint8Array[] } {
  // Block by block: 64 leaves alive at a time, not one per file of the generation.
  const blocks = rootsOfBlocks(files.length, (i) => fileLeaf(files.at(i)!, bindsMode), DEFAULT_BLOCK_BITS);
  return { root: merkleRootOfLeaves(blocks), blocks };
}

export function storeRoot(layerRoots: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(layerRoots);
}

/**
 * Generation n+1's store root from generation n's peaks (merkle-frontier.ts) and the new layer root: equal to
 * storeRoot over all n+1 layer roots, in O(log n) hashes. Also returns the new peaks.
 */
export function nextStoreRoot(peaks: readonly Uint8Array[], n: number, layerRoot: Uint8Array) {
  const next = appendLeaf(peaks, n, leafHash(layerRoot));
  return { root: frontierRoot(next), peaks: next };
}

/**
 * Roots of each run of 2^bits leaves: the tree's nodes at level `bits` (blocks start at multiples of 2^bits,
 * where pairing never crosses a block boundary), so merkleRootOfLeaves(blockRoots(leaves)) equals
 * merkleRootOfLeaves(leaves). Stored in each layer to make proofs and lookups touch one block only.
 */
export function blockRoots(leaves: readonly Uint8Array[], bits = DEFAULT_BLOCK_BITS): Uint8Array[] {
  return rootsOfBlocks(leaves.length, (i) => leaves[i], bits);
}

/** Roots of each run of 2^bits of `count` leaves, made one block at a time by `leafAt`. */
function rootsOfBlocks(count: number, leafAt: (i: number) => Uint8Array, bits: number): Uint8Array[] {
  const size = 2 ** bits;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i += size) {
    const leaves: Uint8Array[] = [];
    for (let k = i; k < Math.min(i + size, count); k++) leaves.push(leafAt(k));
    out.push(merkleRootOfLeaves(leaves));
  }
  return out;
}
