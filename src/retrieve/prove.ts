// Builds proofs from the archive (docs/proofs.md): a file's leaf up to its layer root, the layer root up to
// the generation's root, and for byte ranges the covering chunks up to the file's chunk root. Paths only:
// a proof's size grows with log(chunks) + log(files) + log(layers), never with the file size.
import { toHex } from '../core/digest.js';
import { NotFoundError } from '../core/errors.js';
import { leafHash } from '../core/merkle.js';
import { merkleLevels, pathFromLevels, type PathStep } from '../core/merkle-path.js';
import { BLOCK_BITS, bindsMode } from '../core/codecs/layer-codec.js';
import {
  PROOF_VERSION,
  PROOF_VERSION_NO_MODE,
  type ChunkProof,
  type Proof,
  type ProofStep,
} from '../core/codecs/proof-codec.js';
import { chunkLeaves, fileLeaf } from '../core/roots.js';
import { resolveRange, type RangeSpec } from '../core/urn.js';
import type { Archive } from '../store/archive.js';
import type { FileEntry } from '../core/types.js';
import { completeSetView } from '../store/delta-window.js';
import { notInGeneration } from './resolve.js';

const hexSteps = (s: readonly PathStep[]): ProofStep[] => s.map((x) => ({ hash: toHex(x.hash), position: x.position }));

/** Path from layer `layer`'s root to the root of generation `generation` (the store tree over layer roots). */
function layerPath(archive: Archive, generation: number, layer: number): ProofStep[] {
  const leaves = archive.index.range(1, generation).map((e) => leafHash(e.layerRoot));
  return hexSteps(pathFromLevels(merkleLevels(leaves), layer - 1));
}

function metadata(archive: Archive, generation: number): Proof['metadata'] {
  const e = archive.layerEntry(generation);
  return {
    store_id: archive.storeIdHex,
    generation,
    layer_number: e.number,
    layer_root: toHex(e.layerRoot),
    timestamp: e.timestamp,
  };
}

/** Proof that layer `layer`'s root is part of generation `generation`'s root. */
export function proveLayer(archive: Archive, generation: number, layer: number): Proof {
  if (!Number.isInteger(layer) || layer < 1 || layer > generation) {
    throw new NotFoundError(`no layer ${layer} in generation ${generation}`, `layers are numbered 1 to ${generation}`);
  }
  const e = archive.layerEntry(layer);
  return {
    version: bindsMode(archive.layerView(generation).version) ? PROOF_VERSION : PROOF_VERSION_NO_MODE,
    proof_type: 'layer',
    target: { layer, hash: toHex(e.layerRoot) },
    root: { type: 'repository', hash: toHex(archive.layerEntry(generation).storeRoot) },
    proof_path: layerPath(archive, generation, layer),
    metadata: { ...metadata(archive, generation), layer_number: layer, layer_root: toHex(e.layerRoot) },
  };
}

/**
 * Proof of the file at `path` in `generation`; with `range`, of the chunks that cover those bytes. Only the
 * file's block of 2^BLOCK_BITS entries is decoded and hashed; the stored block roots give the rest of the path.
 */
export function proveFile(archive: Archive, generation: number, path: string, range?: RangeSpec): Proof {
  const { f, index, blockLeaves, blockRoots, withMode } = fileBlock(archive, generation, path);
  const block = index >>> BLOCK_BITS;
  const filePath = [
    ...pathFromLevels(merkleLevels(blockLeaves), index - (block << BLOCK_BITS)),
    ...pathFromLevels(merkleLevels(blockRoots), block),
  ];
  const proof: Proof = {
    version: withMode ? PROOF_VERSION : PROOF_VERSION_NO_MODE,
    proof_type: range ? 'byte_range' : 'file',
    target: {
      path: f.path,
      ...(withMode && { mode: f.mode.toString(8) }),
      hash: toHex(f.hash),
      size: f.size,
      chunk_root: toHex(f.chunkRoot),
    },
    root: { type: 'repository', hash: toHex(archive.layerEntry(generation).storeRoot) },
    proof_path: hexSteps(filePath),
    layer_path: layerPath(archive, generation, generation),
    metadata: metadata(archive, generation),
  };
  if (range) {
    const r = resolveRange(range, f.size);
    proof.target.byte_range = r;
    proof.chunks = coveringChunks(
      f.chunks.map((c) => c.hash),
      f.chunks.map((c) => c.length),
      r.start,
      r.end,
    );
  }
  return proof;
}

/**
 * The file's entry, its index in the generation's complete (sorted) file set, the leaves of its block of
 * 2^BLOCK_BITS and the stored block roots. A full layer is read in place (one block of entries decoded);
 * for a delta generation only that block is assembled from the full layer and the deltas' changes.
 */
function fileBlock(archive: Archive, generation: number, path: string) {
  if (generation === 0) throw notInGeneration(path, generation);
  const top = archive.layerView(generation);
  let entryAt: (i: number) => FileEntry;
  let count: number;
  let index: number;
  if (top.type === 'full') {
    index = top.indexOf(path);
    entryAt = (i) => top.fileAt(i);
    count = top.fileCount;
  } else {
    // Only the block around the file, from the full layer and the deltas' changes (store/delta-window.ts).
    const view = completeSetView(archive, generation);
    index = view.rankOf(path);
    count = view.count;
    const first = (Math.max(index, 0) >>> BLOCK_BITS) << BLOCK_BITS;
    const block = index < 0 ? [] : view.window(first, Math.min(first + 2 ** BLOCK_BITS, count));
    entryAt = (i) => block[i - first];
  }
  if (index < 0) throw notInGeneration(path, generation);
  const first = (index >>> BLOCK_BITS) << BLOCK_BITS;
  const withMode = bindsMode(top.version); // the generation's layer format decides how its leaves were made
  const blockLeaves: Uint8Array[] = [];
  for (let i = first; i < Math.min(first + 2 ** BLOCK_BITS, count); i++)
    blockLeaves.push(fileLeaf(entryAt(i), withMode));
  return { f: entryAt(index), index, blockLeaves, blockRoots: top.blockRoots, withMode };
}

/** The chunks overlapping [start, end] (inclusive), each with its path to the chunk root. */
function coveringChunks(hashes: Uint8Array[], lengths: number[], start: number, end: number): ChunkProof[] {
  const levels = merkleLevels(chunkLeaves(hashes, lengths));
  const out: ChunkProof[] = [];
  let off = 0;
  for (let i = 0; i < hashes.length && off <= end; off += lengths[i], i++) {
    if (off + lengths[i] <= start) continue;
    out.push({
      offset: off,
      size: lengths[i],
      hash: toHex(hashes[i]),
      proof_path: hexSteps(pathFromLevels(levels, i)),
    });
  }
  return out;
}
