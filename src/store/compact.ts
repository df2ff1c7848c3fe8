// gc / archive --compact: rewrites the archive without what no generation needs — chunks that were staged
// and then replaced before a commit (their bytes sit in a layer's data region, but no file names them) and
// the layer indexes each commit appended and the next one superseded. Every generation is kept; roots do
// not change (they never depend on archive offsets), only where bytes sit.
//
// Crash safety: the new archive is written to a temporary file beside the old one, fsynced, verified in
// full (every checksum, every root recomputed, every chunk re-hashed), and renamed over it in one step.
// A reader that opened the old file keeps reading the old inode; a kill at any point leaves the old archive
// (and at worst a temporary file the next gc removes).
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CHUNK_REF_SIZE } from '../core/codecs/common.js';
import { encodeLayer } from '../core/codecs/layer-codec.js';
import { encodeLayerIndex, type LayerIndexEntry } from '../core/codecs/layer-index-codec.js';
import { ARCHIVE_HEADER_SIZE, encodeSuperblock } from '../core/codecs/superblock-codec.js';
import { equalBytes } from '../core/digest.js';
import { IntegrityError } from '../core/errors.js';
import type { ChunkRef } from '../core/types.js';
import { Archive } from './archive.js';
import { checkArchive } from './check.js';
import { fsyncDir, writeAll } from './fs-utils.js';
import { copyRange } from './transfer.js';

export interface GcReport {
  layers: number;
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

const TMP_MARK = '.compact-';

/** Offsets of every chunk some file of some layer names (all generations are kept). */
function referenced(a: Archive): Set<number> {
  const used = new Set<number>();
  for (const e of a.layers) for (const f of a.readLayer(e.number).files) for (const c of f.chunks) used.add(c.offset);
  return used;
}

export function planGc(a: Archive): GcReport {
  const used = referenced(a);
  let unreferencedChunks = 0, unreferencedBytes = 0, layerBytes = 0;
  for (const e of a.layers) {
    layerBytes += e.dataLength + e.recordLength;
    for (const c of a.readLayer(e.number).chunkIndex) {
      if (!used.has(c.offset)) (unreferencedChunks++, (unreferencedBytes += c.storedLength));
    }
  }
  const archiveBytes = a.sb.committedLength;
  // Each dropped chunk also leaves its layer's chunk index (one chunk ref).
  const compacted = a.seq === 0 ? archiveBytes : ARCHIVE_HEADER_SIZE + layerBytes - unreferencedBytes - unreferencedChunks * CHUNK_REF_SIZE + encodeLayerIndex(a.layers).length;
  return {
    layers: a.seq, unreferencedChunks, unreferencedBytes, deadIndexBytes: archiveBytes - ARCHIVE_HEADER_SIZE - layerBytes - (a.seq ? a.sb.indexLength : 0),
    archiveBytes, compactedBytes: compacted, rewritten: false,
  };
}

/** Removes temporary files of a gc or import that was killed. */
export function removeStaleTemps(archivePath: string): void {
  const dir = dirname(archivePath);
  const base = basename(archivePath);
  for (const f of readdirSync(dir)) {
    if (f.startsWith(`${base}${TMP_MARK}`) || f.startsWith(`${base}.importing-`)) rmSync(join(dir, f), { force: true });
  }
}

/** Rewrites the archive compactly (the caller holds the store lock and has checked nothing is staged). */
export function compactArchive(archivePath: string, beforeRename: () => void = () => {}): GcReport {
  removeStaleTemps(archivePath);
  const a = Archive.open(archivePath);
  const tmp = `${archivePath}${TMP_MARK}${process.pid}`;
  let fd: number | undefined;
  try {
    const plan = planGc(a);
    if (a.seq === 0 || plan.compactedBytes === plan.archiveBytes) return plan;
    const used = referenced(a);
    Archive.create(tmp, a.sb.storeId, a.sb.createdAt);
    fd = openSync(tmp, 'r+');
    const moved = new Map<number, number>(); // old offset -> new offset
    const relocate = (c: ChunkRef): ChunkRef => ({ ...c, offset: moved.get(c.offset)! });
    const entries: LayerIndexEntry[] = [];
    let pos = ARCHIVE_HEADER_SIZE;
    for (const e of a.layers) {
      const layer = a.readLayer(e.number);
      const dataOffset = pos;
      const kept = layer.chunkIndex.filter((c) => used.has(c.offset));
      // Copy runs of adjacent kept chunks in one go.
      for (let i = 0; i < kept.length; ) {
        let j = i + 1;
        while (j < kept.length && kept[j].offset === kept[j - 1].offset + kept[j - 1].storedLength) j++;
        const from = kept[i].offset;
        const len = kept[j - 1].offset + kept[j - 1].storedLength - from;
        copyRange(a.fd, from, len, fd, pos);
        for (let k = i; k < j; k++) moved.set(kept[k].offset, pos + kept[k].offset - from);
        pos += len;
        i = j;
      }
      const record = encodeLayer({
        ...layer, dataOffset, dataLength: pos - dataOffset, chunkIndex: kept.map(relocate),
        files: layer.files.map((f) => ({ ...f, chunks: f.chunks.map(relocate) })),
      });
      writeAll(fd, record, pos);
      entries.push({ ...e, dataOffset, dataLength: pos - dataOffset, recordOffset: pos, recordLength: record.length, recordChecksum: record.subarray(record.length - 32) });
      pos += record.length;
    }
    const index = encodeLayerIndex(entries);
    writeAll(fd, index, pos);
    const sb = { ...a.sb, committedLength: pos + index.length, indexOffset: pos, indexLength: index.length };
    writeAll(fd, encodeSuperblock(sb), 0);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const report = checkArchive(tmp, { deep: true });
    const same = entries.every((n, i) => equalBytes(n.storeRoot, a.layers[i].storeRoot));
    if (!report.ok || !same) {
      throw new IntegrityError(`the compacted archive does not verify (${report.problems[0]?.message ?? 'roots differ'}); the store is unchanged`);
    }
    beforeRename();
    renameSync(tmp, archivePath);
    fsyncDir(dirname(archivePath));
    return { ...plan, compactedBytes: sb.committedLength, rewritten: true };
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    a.close();
  }
}
