// Turns the staging area into a new generation: complete file set = previous generation + staged changes,
// roots computed, the layer record appended after the staged chunk data, and the superblock flipped.
// Only after the new generation is durable and visible are the caches updated and staging removed.
import { encodeLayer, type LayerToWrite } from '../core/codecs/layer-codec.js';
import { toHex, ZERO_HASH } from '../core/digest.js';
import { DigstoreError, NothingToCommitError } from '../core/errors.js';
import { layerTree, nextStoreRoot } from '../core/roots.js';
import type { ChunkingParams } from '../core/types.js';
import { Archive } from './archive.js';
import { ChunkIndex } from './chunk-index.js';
import { appendRoot } from './root-index.js';
import { chainOf, generationEntries, generationFiles } from './generations.js';
import type { StorePaths } from './home.js';
import { byOffset, stagedGeneration, updateStatCache } from './staged-generation.js';
import { clearStaging, loadStaging } from './staging.js';

export interface CommitResult {
  root: string;
  layer: number;
  /** 'delta' records only the changes; 'full' every file (see LayerOptions). */
  type: 'full' | 'delta';
  /** Files in the new generation. */
  totalFiles: number;
  /** Files added or changed by this commit, and their bytes. */
  files: number;
  bytes: number;
  deleted: number;
  newChunks: number;
  newBytes: number;
  reusedChunks: number;
}

export interface LayerOptions {
  /** Write a full layer whatever the chain length (`commit --full`). */
  full?: boolean;
  /** Most layers read to resolve any generation: a full layer at least this often. */
  chainLimit: number;
  signal?: AbortSignal;
}

/** Whether layer `next` may be a delta: the chain from the last full layer must stay within the limit. */
function deltaAllowed(archive: Archive, next: number, opts: LayerOptions): boolean {
  if (opts.full || next === 1 || opts.chainLimit <= 1) return false;
  return chainOf(archive, next - 1).length + 1 <= opts.chainLimit;
}

export function commitStaged(
  paths: StorePaths,
  message: string,
  author: string,
  params: ChunkingParams,
  layerOpts: LayerOptions,
  now = Date.now(),
): CommitResult {
  const signal = layerOpts.signal;
  const archive = Archive.open(paths.archive);
  let layer: LayerToWrite;
  try {
    archive.assertOtherSlotSound(); // said before "nothing to commit": the store needs repair either way
    const staging = loadStaging(paths.staging, archive);
    if (staging.entries.count === 0) throw new NothingToCommitError();
    const head = archive.latest();
    const type = deltaAllowed(archive, archive.seq + 1, layerOpts) ? 'delta' : 'full';
    // A delta layer records only the staged entries: the rest of the generation is needed for its roots
    // only, so its chunk refs are not decoded (most of a large generation's objects).
    const current = (type === 'delta' ? generationEntries : generationFiles)(archive, head?.number ?? 0);
    const staged = staging.entries;
    const order = staged.order(); // written sorted; sorted again in case an older build did not
    const { merged, changed, bytes, deleted, reusedChunks, all, leaves, delta } = stagedGeneration(
      current,
      staged,
      order,
      staging.dataStart,
    );
    if (changed === 0 && deleted === 0) throw new NothingToCommitError();
    const { root: lr, blocks } = layerTree(leaves);
    const sr = nextStoreRoot(archive.index.peaks(), archive.seq, lr).root;
    const newChunks = byOffset(staging.newChunks);
    layer = {
      type,
      number: archive.seq + 1,
      timestamp: now,
      dataOffset: staging.dataStart,
      dataLength: staging.dataEnd - staging.dataStart,
      message,
      author,
      params,
      files: type === 'full' ? all : delta,
      chunkIndex: newChunks,
      parentRoot: head?.storeRoot ?? ZERO_HASH,
      layerRoot: lr,
      storeRoot: sr,
      totalFiles: merged.length,
      blockRoots: blocks,
    };
    const record = encodeLayer(layer);
    const next = Archive.commit(
      paths.archive,
      staging.dataEnd,
      record,
      {
        number: layer.number,
        type: layer.type,
        dataOffset: layer.dataOffset,
        dataLength: layer.dataLength,
        timestamp: now,
        layerRoot: lr,
        storeRoot: sr,
        recordChecksum: record.subarray(record.length - 32),
      },
      () => {
        if (signal?.aborted) throw new DigstoreError('INTERRUPTED', 'interrupted; nothing was committed');
      },
    );
    try {
      // The dedup cache gets this commit's new chunks as one more run (not a rewrite of every chunk).
      ChunkIndex.append(paths.chunkIndex, archive, next, newChunks);
      appendRoot(archive, next);
    } finally {
      next.close();
    }
    updateStatCache(paths.statCache, staging.entries, order);
    clearStaging(paths.staging);
    return {
      root: toHex(sr),
      layer: layer.number,
      type,
      totalFiles: merged.length,
      files: changed,
      bytes,
      deleted,
      newChunks: newChunks.length,
      newBytes: layer.dataLength,
      reusedChunks,
    };
  } finally {
    archive.close();
  }
}
