// Store verification (`check`): every structure's checksum, the layer index against the records, each
// layer's chunk index against its data region, every root recomputed from the files, and with `deep`
// every chunk re-hashed. Reports what is damaged (layer and affected file paths) instead of stopping at
// the first problem, so a user knows what can still be read.
import { equalBytes, toHex } from '../core/digest.js';
import { chunkRoot, layerTree, storeRoot } from '../core/roots.js';
import type { ChunkRef, FileEntry } from '../core/types.js';
import { applyDelta } from './generations.js';
import { ARCHIVE_HEADER_SIZE, SLOT_SIZE, decodeSuperblock, type Superblock } from '../core/codecs/superblock-codec.js';
import { Archive } from './archive.js';
import { readAt } from './fs-utils.js';

/**
 * Both superblock slots must be valid (or never written, all zeros). The store opens from the newest valid
 * slot, so a damaged slot is survivable — but it is damage, and if it was the newer one, that generation
 * is out of view: the user must hear of it before the next commit reuses the space.
 */
function checkSlots(archive: Archive, problem: (layer: number, message: string) => void): void {
  const header = readAt(archive.fd, 0, ARCHIVE_HEADER_SIZE);
  for (let i = 0; i < 2; i++) {
    const slot = header.subarray(i * SLOT_SIZE, (i + 1) * SLOT_SIZE);
    if (slot.every((b) => b === 0)) continue;
    try {
      decodeSuperblock(slot, `superblock slot ${i + 1}`);
    } catch (e) {
      problem(
        0,
        `${(e as Error).message}; the store opens from slot ${archive.slot + 1} (generation ${archive.seq}), do not commit before restoring from a backup if a newer generation is missing`,
      );
    }
  }
}

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
  problems: CheckProblem[];
}

/** With `proposed`, checks the generation that superblock would make visible (an import, before it is). */
export function checkArchive(
  path: string,
  opts: { deep?: boolean; layer?: number } = {},
  proposed?: Superblock,
): CheckReport {
  const report: CheckReport = { ok: true, layers: 0, files: 0, chunksChecked: 0, bytesChecked: 0, problems: [] };
  const problem = (layer: number, message: string, paths?: string[]) =>
    report.problems.push({ layer, message, ...(paths?.length ? { paths } : {}) });
  let archive: Archive;
  try {
    archive = proposed ? Archive.openProposed(path, proposed) : Archive.open(path);
  } catch (e) {
    problem(0, (e as Error).message);
    report.ok = false;
    return report;
  }
  try {
    if (!proposed) checkSlots(archive, problem);
    report.layers = archive.layers.length;
    const roots: Uint8Array[] = [];
    const badChunks = new Set<string>(); // "offset" of chunks that failed, to name affected files
    const stored = new Map<number, ChunkRef>(); // offset -> chunk, over all layers so far
    let current: FileEntry[] = []; // the complete file set of the generation being checked
    for (const e of archive.layers) {
      const n = e.number;
      if (e.type === 'pruned') {
        // Removed by gc --keep-history: only its roots remain; the chain of roots must still hold.
        roots.push(e.layerRoot);
        if (!equalBytes(storeRoot(roots), e.storeRoot))
          problem(n, `root hash of pruned generation ${n} does not recompute`);
        current = [];
        continue;
      }
      let layer;
      try {
        layer = archive.readLayer(n);
      } catch (err) {
        problem(n, (err as Error).message);
        roots.push(e.layerRoot);
        if (e.type === 'full') current = [];
        continue;
      }
      const firstStored = archive.layers[n - 2]?.type === 'pruned' || n === 1;
      if (layer.type !== e.type || (firstStored && layer.type !== 'full'))
        problem(n, 'layer type does not match the layer index');
      current = layer.type === 'full' ? layer.files : applyDelta(current, layer.files);
      // The chunk index must tile the layer's data region exactly, with nothing unaccounted for.
      let pos = layer.dataOffset;
      for (const c of layer.chunkIndex) {
        if (c.offset !== pos) {
          problem(n, `chunk index does not cover the data region at offset ${pos}`);
          break;
        }
        pos += c.storedLength;
        stored.set(c.offset, c);
      }
      if (
        pos !== layer.dataOffset + layer.dataLength ||
        e.dataOffset !== layer.dataOffset ||
        e.recordOffset !== layer.dataOffset + layer.dataLength
      ) {
        problem(n, 'data region does not match the layer index');
      }
      if (opts.deep && (opts.layer === undefined || opts.layer === n)) {
        for (const c of layer.chunkIndex) {
          report.chunksChecked++;
          report.bytesChecked += c.storedLength;
          try {
            archive.readChunk(c);
          } catch {
            badChunks.add(String(c.offset));
            problem(n, `chunk ${toHex(c.hash)} at offset ${c.offset} does not match its hash`);
          }
        }
      }
      // Every file's chunks must be stored (in this layer or an earlier one) and bind to its chunk root.
      const { root: lr, blocks } = layerTree(current);
      if (layer.totalFiles !== current.length) problem(n, 'generation file count does not match the files');
      if (!layer.blockRoots || blocks.some((b, i) => !equalBytes(b, layer.blockRoots![i])))
        problem(n, 'merkle block roots do not match the files');
      if (!equalBytes(lr, layer.layerRoot) || !equalBytes(lr, e.layerRoot))
        problem(n, 'layer root does not match its files');
      roots.push(lr);
      const sr = storeRoot(roots);
      if (!equalBytes(sr, layer.storeRoot) || !equalBytes(sr, e.storeRoot))
        problem(n, `root hash of generation ${n} does not recompute`);
      for (const f of layer.files) {
        if (f.deleted) continue;
        const missing = f.chunks.some((c) => {
          const s = stored.get(c.offset);
          return !s || !equalBytes(s.hash, c.hash) || s.length !== c.length;
        });
        const size = f.chunks.reduce((a, c) => a + c.length, 0);
        if (
          missing ||
          size !== f.size ||
          !equalBytes(
            chunkRoot(
              f.chunks.map((c) => c.hash),
              f.chunks.map((c) => c.length),
            ),
            f.chunkRoot,
          )
        ) {
          problem(n, `file index entry is inconsistent with the stored chunks`, [f.path]);
        }
      }
      report.files = current.length;
    }
    // Name the files of the latest generation that a damaged chunk breaks.
    if (badChunks.size > 0 && archive.seq > 0) {
      try {
        const affected = current
          .filter((f) => f.chunks.some((c) => badChunks.has(String(c.offset))))
          .map((f) => f.path);
        if (affected.length)
          problem(archive.seq, `${affected.length} file(s) of the latest generation are affected`, affected);
      } catch {
        // the latest layer itself is damaged: already reported
      }
    }
  } finally {
    archive.close();
  }
  report.ok = report.problems.length === 0;
  return report;
}
