// How a commit's new generation is made from the latest one and the staged records (store/commit.ts), by
// position and without an object per file; and the stat cache keys the commit keeps.
import type { ByteWriter } from '../core/bytes.js';
import type { LayerToWrite } from '../core/codecs/layer-codec.js';
import type { StagedRecords } from '../core/codecs/staged-records.js';
import { comparePaths } from '../core/paths.js';
import type { ChunkRef, FileEntry, Indexed } from '../core/types.js';
import { updateStatCacheFile } from './stat-cache.js';

/** Committed files keep the stat key they were staged with, so the next add can skip them unread. */
export function updateStatCache(file: string, staged: StagedRecords, order: readonly number[]): void {
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
export function byOffset(refs: Indexed<ChunkRef>): Indexed<ChunkRef> {
  let last = -1;
  for (let i = 0; i < refs.length; i++) {
    const offset = refs.at(i)!.offset;
    if (offset < last)
      return Array.from({ length: refs.length }, (_, k) => refs.at(k)!).sort((a, b) => a.offset - b.offset);
    last = offset;
  }
  return refs;
}

/**
 * The new generation from the latest one and the staged records: its entries for the layer tree (`leaves`:
 * no chunk refs) and for a full or delta layer record (`all`, `delta`), staged ones decoded one at a time as
 * they are read, never all at once; a staged record is written into the layer by copying its bytes.
 */
export function stagedGeneration(
  head: readonly FileEntry[],
  staged: StagedRecords,
  order: readonly number[],
  dataStart: number,
) {
  const m = mergeStaged(head, staged, order, dataStart);
  const { merged } = m;
  const copy = (i: number, w: ByteWriter) => {
    staged.writeLayerEntry(i, w); // the layer entry plus a stat key: copied, not decoded and encoded again
    return true;
  };
  const all: LayerToWrite['files'] = {
    length: merged.length,
    at: (k) => (merged[k] >= 0 ? head[merged[k]] : staged.entry(-merged[k] - 1)),
    write: (k, w) => merged[k] < 0 && copy(-merged[k] - 1, w),
  };
  const leaves: Indexed<FileEntry> = {
    length: merged.length,
    at: (k) => (merged[k] >= 0 ? head[merged[k]] : staged.entry(-merged[k] - 1, false)),
  };
  const delta: LayerToWrite['files'] = {
    length: m.delta.length,
    at: (k) => staged.entry(m.delta[k]),
    write: (k, w) => copy(m.delta[k], w),
  };
  return { ...m, all, leaves, delta };
}
