// One layer's part of `check` (store/check.ts): its record against the layer index, its chunk index against
// its data region, with `deep` every chunk re-hashed, and the generation it completes: every root recomputed
// from the files, every file entry against the stored chunks. Problems are reported, never thrown.
import { equalBytes, toHex } from '../core/digest.js';
import { chunkRoot, layerTree, nextStoreRoot } from '../core/roots.js';
import { bindsMode, type Layer } from '../core/codecs/layer-codec.js';
import type { LayerIndexEntry } from '../core/codecs/layer-index-codec.js';
import type { ChunkRef, FileEntry } from '../core/types.js';
import { overlaps } from '../core/range-set.js';
import type { Archive } from './archive.js';
import { applyDelta } from './generations.js';
import { CHECKPOINT_BYTES, checkpoint, type WorkProgress } from './interrupt.js';

type Problem = (layer: number, message: string, paths?: string[]) => void;

export interface CheckProblem {
  /** Layer number, or 0 for the archive header and layer index. */
  layer: number;
  message: string;
  /** Files whose content is affected, when known. */
  paths?: string[];
}

export interface CheckReport {
  ok: boolean;
  layers: number;
  files: number;
  chunksChecked: number;
  bytesChecked: number;
  /** A lazy clone's chunk bytes that are not here yet: not re-hashed (they are checked when fetched). */
  notFetchedBytes?: number;
  problems: CheckProblem[];
}

export interface CheckOptions {
  /** Re-hash every chunk (reads all stored data). */
  deep?: boolean;
  /** Re-hash only this layer's chunks. */
  layer?: number;
  /** Aborting stops the check between chunks with an INTERRUPTED error (nothing is ever written). */
  signal?: AbortSignal;
  /** With `deep`: called after each layer and every 64 MiB re-hashed (phase 'verify', stored bytes). */
  onProgress?: (p: WorkProgress) => void;
}

/** What an interrupted check says (it never writes, so nothing is left half done). */
export const CHECK_STOPPED = 'the check did not finish (it never changes anything)';

/** Re-hashes `chunks`, reporting each that fails; looks at the abort signal every CHECKPOINT_BYTES. */
export async function checkChunks(
  archive: Archive,
  chunks: readonly ChunkRef[],
  report: CheckReport,
  opts: CheckOptions,
  failed: (c: ChunkRef) => void,
  progress?: (bytesDone: number) => void,
): Promise<void> {
  let sinceYield = 0;
  for (const c of chunks) {
    if (archive.missing.length > 0 && overlaps(archive.missing, c.offset, c.offset + c.storedLength)) {
      report.notFetchedBytes = (report.notFetchedBytes ?? 0) + c.storedLength;
      continue;
    }
    report.chunksChecked++;
    report.bytesChecked += c.storedLength;
    sinceYield += c.storedLength;
    try {
      archive.readChunk(c);
    } catch {
      failed(c);
    }
    if (sinceYield >= CHECKPOINT_BYTES) {
      sinceYield = 0;
      progress?.(report.bytesChecked);
      await checkpoint(opts.signal, CHECK_STOPPED);
    }
  }
}

/** What the check carries from one layer to the next. */
export interface LayerCheckState {
  /** Peaks of the store tree over the layer roots so far (the store root of generation n is over the first n). */
  peaks: Uint8Array[];
  /** Offsets of chunks that failed to re-hash, to name the files they break. */
  badChunks: Set<number>;
  /** Every chunk stored so far, by offset. */
  stored: Map<number, ChunkRef>;
  /** The complete file set of the generation being checked. */
  current: FileEntry[];
  /** Reports the bytes re-hashed so far (deep checks). */
  progress?: (bytesDone: number) => void;
}

export async function checkLayer(
  archive: Archive,
  e: LayerIndexEntry,
  state: LayerCheckState,
  report: CheckReport,
  opts: CheckOptions,
  problem: Problem,
): Promise<void> {
  const n = e.number;
  if (e.type === 'pruned') {
    // Removed by gc --keep-history: only its roots remain; the chain of roots must still hold.
    if (!equalBytes(pushLayerRoot(state, e), e.storeRoot))
      problem(n, `root hash of pruned generation ${n} does not recompute`);
    state.current = [];
    return;
  }
  let layer: Layer;
  try {
    layer = archive.readLayer(n);
  } catch (err) {
    problem(n, (err as Error).message);
    pushLayerRoot(state, e);
    if (e.type === 'full') state.current = [];
    return;
  }
  const firstStored = n === 1 || archive.layerEntry(n - 1).type === 'pruned';
  if (layer.type !== e.type || (firstStored && layer.type !== 'full'))
    problem(n, 'layer type does not match the layer index');
  state.current = layer.type === 'full' ? layer.files : applyDelta(state.current, layer.files);
  checkDataRegion(layer, e, state, problem);
  if (opts.deep && (opts.layer === undefined || opts.layer === n)) {
    await checkChunks(
      archive,
      layer.chunkIndex,
      report,
      opts,
      (c) => {
        state.badChunks.add(c.offset);
        problem(n, `chunk ${toHex(c.hash)} at offset ${c.offset} does not match its hash`);
      },
      state.progress,
    );
  }
  checkRoots(layer, e, state, problem);
  checkFileEntries(layer, state, problem);
  report.files = state.current.length;
}

/** The chunk index must tile the layer's data region exactly, with nothing unaccounted for. */
function checkDataRegion(layer: Layer, e: LayerIndexEntry, state: LayerCheckState, problem: Problem): void {
  let pos = layer.dataOffset;
  for (const c of layer.chunkIndex) {
    if (c.offset !== pos) {
      problem(e.number, `chunk index does not cover the data region at offset ${pos}`);
      break;
    }
    pos += c.storedLength;
    state.stored.set(c.offset, c);
  }
  const end = layer.dataOffset + layer.dataLength;
  if (pos !== end || e.dataOffset !== layer.dataOffset || e.recordOffset !== end)
    problem(e.number, 'data region does not match the layer index');
}

/** Adds layer e's root to the store tree; returns the store root of generation e.number. */
function pushLayerRoot(state: LayerCheckState, e: Pick<LayerIndexEntry, 'number' | 'layerRoot'>): Uint8Array {
  const { root, peaks } = nextStoreRoot(state.peaks, e.number - 1, e.layerRoot);
  state.peaks = peaks;
  return root;
}

/** The generation's merkle tree recomputed from its files: block roots, layer root, store root. */
function checkRoots(layer: Layer, e: LayerIndexEntry, state: LayerCheckState, problem: Problem): void {
  const n = e.number;
  const { root: lr, blocks } = layerTree(state.current, bindsMode(layer.version));
  if (layer.totalFiles !== state.current.length) problem(n, 'generation file count does not match the files');
  if (!layer.blockRoots || blocks.some((b, i) => !equalBytes(b, layer.blockRoots![i])))
    problem(n, 'merkle block roots do not match the files');
  if (!equalBytes(lr, layer.layerRoot) || !equalBytes(lr, e.layerRoot))
    problem(n, 'layer root does not match its files');
  const sr = pushLayerRoot(state, { number: n, layerRoot: lr });
  if (!equalBytes(sr, layer.storeRoot) || !equalBytes(sr, e.storeRoot))
    problem(n, `root hash of generation ${n} does not recompute`);
}

/** Every file's chunks must be stored (in this layer or an earlier one) and bind to its chunk root. */
function checkFileEntries(layer: Layer, state: LayerCheckState, problem: Problem): void {
  for (const f of layer.files) {
    if (f.deleted) continue;
    const missing = f.chunks.some((c) => {
      const s = state.stored.get(c.offset);
      return !s || !equalBytes(s.hash, c.hash) || s.length !== c.length;
    });
    const size = f.chunks.reduce((a, c) => a + c.length, 0);
    const root = chunkRoot(
      f.chunks.map((c) => c.hash),
      f.chunks.map((c) => c.length),
    );
    if (missing || size !== f.size || !equalBytes(root, f.chunkRoot))
      problem(layer.number, 'file index entry is inconsistent with the stored chunks', [f.path]);
  }
}
