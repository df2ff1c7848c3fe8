// How digstore's hashes bind content (see docs/format.md, "Hashes and roots"):
//   chunk root  = merkle root over the file's chunk hashes (each the SHA-256 of the chunk bytes)
//   file leaf   = leaf hash of: path (u16 length + UTF-8) | size u64 | file hash | chunk root
//   layer root  = merkle root over the file leaves of the generation, sorted by path (UTF-8 bytes)
//   store root  = merkle root over the layer roots of layers 1..n: the root hash of generation n
import { ByteWriter } from './bytes.js';
import { leafHash, merkleRoot, merkleRootOfLeaves } from './merkle.js';
import type { FileEntry } from './types.js';

export function chunkRoot(chunkHashes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(chunkHashes);
}

export function fileLeafData(f: Pick<FileEntry, 'path' | 'size' | 'hash' | 'chunkRoot'>): Uint8Array {
  return new ByteWriter(128).str16(f.path).u64(f.size).bytes(f.hash).bytes(f.chunkRoot).finish();
}

export function fileLeaf(f: Pick<FileEntry, 'path' | 'size' | 'hash' | 'chunkRoot'>): Uint8Array {
  return leafHash(fileLeafData(f));
}

/** `files` must be the complete file set of a generation, sorted by path, without deletion markers. */
export function layerRoot(files: readonly FileEntry[]): Uint8Array {
  return merkleRootOfLeaves(files.map(fileLeaf));
}

export function storeRoot(layerRoots: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(layerRoots);
}
