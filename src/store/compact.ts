// gc / archive --compact: rewrites the archive without what no generation needs — chunks that were staged
// and then replaced before a commit (their bytes sit in a layer's data region, but no file names them) and
// the layer indexes each commit appended and the next one superseded; with --keep-history N, also the
// generations before the last N (their roots stay in the index). No root changes (roots never depend on
// archive offsets), only where bytes sit.
//
// Crash safety: the new archive is written to a temporary file beside the old one, fsynced, verified in
// full (every checksum, every root recomputed, every chunk re-hashed), and renamed over it in one step.
// A reader that opened the old file keeps reading the old inode; a kill at any point leaves the old archive
// (and at worst a temporary file the next gc removes).
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHUNK_REF_SIZE } from '../core/codecs/common.js';
import { encodeLayer } from '../core/codecs/layer-codec.js';
import { atRecord, type LayerIndexEntry } from '../core/codecs/layer-index-codec.js';
import { ARCHIVE_HEADER_SIZE, encodeSuperblock } from '../core/codecs/superblock-codec.js';
import { equalBytes, ZERO_HASH } from '../core/digest.js';
import { IntegrityError, UsageError } from '../core/errors.js';
import type { ChunkRef, FileEntry } from '../core/types.js';
import { Archive } from './archive.js';
import { checkArchive } from './check.js';
import { generationFiles } from './generations.js';
import { fsyncDir, writeAll } from './fs-utils.js';
import { indexTreeBytes, writeIndexTree } from './layer-index.js';
import { copyRange } from './fs-utils.js';
import { removeStaleTemps, TMP_MARK } from './transfer.js';
import { checkpoint, type LongOperation, phaseReporter } from './interrupt.js';

export interface GcReport {
  layers: number;
  /** Generations removed (by this or an earlier `--keep-history`): only their roots remain. */
  pruned: number;
  /** Chunks stored but named by no file of any generation, and their bytes on disk. */
  unreferencedChunks: number;
  unreferencedBytes: number;
  /** Superseded layer indexes and other bytes outside layers. */
  deadIndexBytes: number;
  archiveBytes: number;
  /** What the archive would be (dry run) or is (after) once compacted. */
  compactedBytes: number;
  /** False for a dry run, or when there was nothing to drop. */
  rewritten: boolean;
}

/** The first generation a gc keeping `keep` generations keeps (all when undefined). */
export function firstKept(a: Archive, keep?: number): number {
  const firstStored = a.storedLayers[0]?.number ?? 1;
  return Math.max(firstStored, keep === undefined ? 1 : a.seq - keep + 1);
}

/** Offsets of every chunk some file of a kept generation names (the first kept one as a complete set). */
function referenced(a: Archive, first: number): Set<number> {
  const used = new Set<number>();
  const add = (files: readonly FileEntry[]) => {
    for (const f of files) for (const c of f.chunks) used.add(c.offset);
  };
  if (a.seq > 0) add(generationFiles(a, first));
  for (const e of a.storedLayers) if (e.number > first) add(a.readLayer(e.number).files);
  return used;
}

export function planGc(a: Archive, keep?: number): GcReport {
  return analyse(a, keep).report;
}

/** What a gc keeping `keep` generations would keep (first kept generation, chunks named) and reclaim. */
function analyse(a: Archive, keep?: number): { report: GcReport; first: number; used: Set<number> } {
  const first = firstKept(a, keep);
  const used = referenced(a, first);
  let unreferencedChunks = 0,
    unreferencedBytes = 0,
    layerBytes = 0,
    droppedRecords = 0;
  for (const e of a.storedLayers) {
    layerBytes += e.dataLength + e.recordLength;
    if (e.number < first) droppedRecords += e.recordLength;
    for (const c of a.readLayer(e.number).chunkIndex) {
      if (used.has(c.offset)) continue;
      unreferencedChunks++;
      unreferencedBytes += c.storedLength;
    }
  }
  const archiveBytes = a.sb.committedLength;
  // Each dropped chunk also leaves its layer's chunk index (one chunk ref). With --keep-history the first kept
  // layer becomes full (it may grow) and the records of pruned layers go: then this is an estimate.
  const compacted =
    a.seq === 0
      ? archiveBytes
      : ARCHIVE_HEADER_SIZE +
        layerBytes -
        droppedRecords -
        unreferencedBytes -
        unreferencedChunks * CHUNK_REF_SIZE +
        indexTreeBytes(a.layers);
  const report: GcReport = {
    layers: a.seq,
    pruned: first - 1,
    unreferencedChunks,
    unreferencedBytes,
    deadIndexBytes: archiveBytes - ARCHIVE_HEADER_SIZE - layerBytes - (a.seq ? a.liveIndexBytes : 0),
    archiveBytes,
    compactedBytes: compacted,
    rewritten: false,
  };
  return { report, first, used };
}

/**
 * Rewrites the archive compactly (the caller holds the store lock and has checked nothing is staged). With
 * `keep`, generations before the last `keep` are pruned: their index entries keep only the roots (so every
 * later root is unchanged), and the first kept generation is written as a full layer.
 */
export async function compactArchive(
  archivePath: string,
  keep?: number,
  { signal, onProgress }: LongOperation = {},
): Promise<GcReport> {
  removeStaleTemps(archivePath);
  const a = Archive.open(archivePath);
  const tmp = `${archivePath}${TMP_MARK}${process.pid}`;
  let fd: number | undefined;
  try {
    if (a.missing.length > 0)
      throw new UsageError(
        'this store is a lazy clone: gc rewrites every byte, and some are still on the remote',
        'fetch them first: digstore pull --full',
      );
    const { report: plan, first, used } = analyse(a, keep);
    const alreadyPruned = (a.storedLayers[0]?.number ?? 1) - 1;
    if (a.seq === 0 || (plan.compactedBytes === plan.archiveBytes && first - 1 === alreadyPruned)) return plan;
    a.assertOtherSlotSound(); // a rewrite would drop the generation a damaged slot may still hold
    Archive.create(tmp, a.sb.storeId, a.sb.createdAt);
    fd = openSync(tmp, 'r+');
    const out = fd;
    const moved = new Map<number, number>(); // old offset -> new offset
    const relocate = (c: ChunkRef): ChunkRef => ({ ...c, offset: moved.get(c.offset)! });
    const entries: LayerIndexEntry[] = [];
    let pos = ARCHIVE_HEADER_SIZE;
    const copied = phaseReporter(onProgress, 'copy', plan.compactedBytes - ARCHIVE_HEADER_SIZE);
    for (const e of a.layers) {
      await checkpoint(signal, 'gc stopped; the store is unchanged');
      if (e.number < first) {
        entries.push({
          ...e,
          type: 'pruned',
          recordOffset: 0,
          recordLength: 0,
          dataOffset: 0,
          dataLength: 0,
          recordChecksum: ZERO_HASH,
        });
        continue;
      }
      const layer = a.readLayer(e.number);
      // The first kept layer takes the chunks of the pruned ones that later generations still name.
      const own =
        e.number === first
          ? a.storedLayers.filter((l) => l.number <= first).flatMap((l) => a.readLayer(l.number).chunkIndex)
          : layer.chunkIndex;
      const kept = own.filter((c) => used.has(c.offset)).sort((x, y) => x.offset - y.offset);
      const dataOffset = pos;
      pos = copyChunks(a.fd, out, kept, pos, moved);
      copied(pos - ARCHIVE_HEADER_SIZE);
      const type = e.number === first ? 'full' : layer.type;
      const files = e.number === first ? generationFiles(a, first) : layer.files;
      const record = encodeLayer({
        ...layer,
        type,
        dataOffset,
        dataLength: pos - dataOffset,
        chunkIndex: kept.map(relocate),
        files: files.map((f) => ({ ...f, chunks: f.chunks.map(relocate) })),
      });
      writeAll(out, record, pos);
      entries.push(atRecord({ ...e, type, dataOffset, dataLength: pos - dataOffset }, record, pos));
      pos += record.length;
    }
    const sb = { ...a.sb, ...writeIndexTree(out, entries, pos) };
    writeAll(out, encodeSuperblock(sb), 0);
    fsyncSync(out);
    closeSync(out);
    fd = undefined;
    const report = await checkArchive(tmp, { deep: true, signal, onProgress });
    const same = entries.every(
      (n, i) => equalBytes(n.storeRoot, a.layers[i].storeRoot) && equalBytes(n.layerRoot, a.layers[i].layerRoot),
    );
    if (!report.ok || !same) {
      throw new IntegrityError(
        `the compacted archive does not verify (${report.problems[0]?.message ?? 'roots differ'}); the store is unchanged`,
      );
    }
    renameSync(tmp, archivePath);
    fsyncDir(dirname(archivePath));
    return { ...plan, compactedBytes: sb.committedLength, rewritten: true };
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    a.close();
  }
}

/** Copies `chunks` (sorted by offset) to `out` from `pos` on, runs of adjacent ones in one go; returns the end. */
function copyChunks(
  src: number,
  out: number,
  chunks: readonly ChunkRef[],
  pos: number,
  moved: Map<number, number>,
): number {
  for (let i = 0; i < chunks.length; ) {
    let j = i + 1;
    while (j < chunks.length && chunks[j].offset === chunks[j - 1].offset + chunks[j - 1].storedLength) j++;
    const from = chunks[i].offset;
    const len = chunks[j - 1].offset + chunks[j - 1].storedLength - from;
    copyRange(src, from, len, out, pos);
    for (let k = i; k < j; k++) moved.set(chunks[k].offset, pos + chunks[k].offset - from);
    pos += len;
    i = j;
  }
  return pos;
}
