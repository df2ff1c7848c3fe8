// Turns the staging area into a new generation: complete file set = previous generation + staged changes,
// roots computed, the layer record appended after the staged chunk data, and the superblock flipped.
// Only after the new generation is durable and visible are the caches updated and staging removed.
import { encodeLayer, type LayerToWrite } from '../core/codecs/layer-codec.js';
import type { StagedRecords } from '../core/codecs/staged-records.js';
import { toHex, ZERO_HASH } from '../core/digest.js';
import { DigstoreError, NothingToCommitError } from '../core/errors.js';
import { comparePaths } from '../core/paths.js';
import { layerTree, storeRoot } from '../core/roots.js';
import type { ChunkingParams, ChunkRef, FileEntry, Indexed } from '../core/types.js';
import { Archive } from './archive.js';
import { ChunkIndex } from './chunk-index.js';
import { chainOf, generationEntries, generationFiles } from './generations.js';
import type { StorePaths } from './home.js';
import { clearStaging, loadStaging } from './staging.js';
import { updateStatCacheFile } from './stat-cache.js';

/** Committed files keep the stat key they were staged with, so the next add can skip them unread. */
function updateStatCache(file: string, staged: StagedRecords, order: readonly number[]): void {
  updateStatCacheFile(file, {
    length: order.length,
    at: (k) => {
      const i = order[k];
      const path = staged.paths[i];
      const stat = staged.deleted(i) ? undefined : staged.stat(i);
      return {
        path,
        entry: !stat || stat.ino === 0 ? undefined : { path, size: staged.size(i), ...stat, hash: staged.hash(i) },
      };
    },
  });
}

/**
 * The staged records over the latest generation (both sorted by path): the new generation as positions
 * (`v >= 0`: head[v], else staged record -v-1), what a delta layer lists, and the counts.
 */
function mergeStaged(head: readonly FileEntry[], staged: StagedRecords, order: readonly number[], dataStart: number) {
  const merged: number[] = [];
  const delta: number[] = []; // staged records a delta layer lists: changes, and deletions of committed files
  const reused = new Set<number>(); // a stored chunk is identified by its offset in the archive
  let changed = 0,
    bytes = 0,
    deleted = 0,
    h = 0;
  for (const i of order) {
    const path = staged.paths[i];
    while (h < head.length && comparePaths(head[h].path, path) < 0) merged.push(h++);
    const committed = h < head.length && head[h].path === path;
    if (committed) h++;
    if (staged.deleted(i)) {
      if (committed) {
        deleted++;
        delta.push(i);
      }
      continue;
    }
    merged.push(-i - 1);
    delta.push(i);
    changed++;
    bytes += staged.size(i);
    staged.eachChunkOffset(i, (offset) => {
      if (offset < dataStart) reused.add(offset);
    });
  }
  while (h < head.length) merged.push(h++);
  return { merged, delta, changed, bytes, deleted, reusedChunks: reused.size };
}

/** The staged chunks by offset: as add appends them (checked), or sorted when an older build wrote them otherwise. */
function byOffset(refs: Indexed<ChunkRef>): Indexed<ChunkRef> {
  let last = -1;
  for (let i = 0; i < refs.length; i++) {
    const offset = refs.at(i)!.offset;
    if (offset < last)
      return Array.from({ length: refs.length }, (_, k) => refs.at(k)!).sort((a, b) => a.offset - b.offset);
    last = offset;
  }
  return refs;
}

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
  let chunkIndex: ChunkIndex;
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
    const { merged, delta, changed, bytes, deleted, reusedChunks } = mergeStaged(
      current,
      staged,
      order,
      staging.dataStart,
    );
    if (changed === 0 && deleted === 0) throw new NothingToCommitError();
    // Staged entries are decoded as the layer is written, one at a time, never all at once.
    const all: LayerToWrite['files'] = {
      length: merged.length,
      at: (k) => (merged[k] >= 0 ? current[merged[k]] : staged.entry(-merged[k] - 1)),
      // A staged record is the layer entry plus a stat key: copied, not decoded and encoded again.
      write: (k, w) => {
        if (merged[k] >= 0) return false;
        staged.writeLayerEntry(-merged[k] - 1, w);
        return true;
      },
    };
    // The tree needs each entry's leaf fields only: chunk refs are not decoded for it.
    const { root: lr, blocks } = layerTree({
      length: merged.length,
      at: (k) => (merged[k] >= 0 ? current[merged[k]] : staged.entry(-merged[k] - 1, false)),
    });
    const sr = storeRoot([...archive.layers.map((l) => l.layerRoot), lr]);
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
      files:
        type === 'full'
          ? all
          : {
              length: delta.length,
              at: (k) => staged.entry(delta[k]),
              write: (k, w) => {
                staged.writeLayerEntry(delta[k], w);
                return true;
              },
            },
      chunkIndex: newChunks,
      parentRoot: head?.storeRoot ?? ZERO_HASH,
      layerRoot: lr,
      storeRoot: sr,
      totalFiles: merged.length,
      blockRoots: blocks,
    };
    chunkIndex = ChunkIndex.load(paths.chunkIndex, archive);
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
      chunkIndex.merged(newChunks).save(paths.chunkIndex, next);
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
