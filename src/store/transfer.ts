// export / import (docs/format.md, "Export files"). Export writes the segment of store/export-segment.ts to a
// file; import checks both checksums before touching anything, appends the tail
// beyond the store's committed length (invisible to readers), re-verifies every layer, root and chunk of
// the proposed generation, and only then writes the superblock that makes it visible — the same single
// step as a commit. Any failure truncates back: the store is exactly as it was.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EXPORT_HEADER_SIZE, decodeExportHeader, type ExportHeader } from '../core/codecs/export-codec.js';
import { ARCHIVE_HEADER_SIZE, SLOT_SIZE, encodeSuperblock, type Superblock } from '../core/codecs/superblock-codec.js';
import { equalBytes, toHex } from '../core/digest.js';
import {
  CorruptDataError,
  ExistsError,
  IntegrityError,
  NotFoundError,
  UsageError,
  fromSystemError,
} from '../core/errors.js';
import { Archive } from './archive.js';
import { isAlive } from './lock.js';
import { checkArchive } from './check.js';
import { relocateInto } from './import-relocate.js';
import { copyRange, fsyncDir, hashRange, readAt, writeAll } from './fs-utils.js';
import { inBlocks, type LongOperation } from './interrupt.js';

/** Marks the temporary archive a gc writes beside the real one. */
export const TMP_MARK = '.compact-';
export { exportArchive, type ExportResult, openSegment, type Segment } from './export-segment.js';

export const EXPORT_HINT = 'the export file is damaged or incomplete: export it again';

/** Removes temporary files of a gc or import that was killed. */
export function removeStaleTemps(archivePath: string): void {
  const dir = dirname(archivePath);
  const base = basename(archivePath);
  for (const f of readdirSync(dir)) {
    if (f.startsWith(`${base}${TMP_MARK}`) || f.startsWith(`${base}.importing-`)) rmSync(join(dir, f), { force: true });
  }
}

/**
 * A scratch directory beside the archive for a push or pull (its export segment, downloaded parts): on the
 * store's disk, not in /tmp, and named by process, so one left by a killed run is removed by the next one.
 */
export function transferTempDir(archivePath: string): string {
  const dir = dirname(archivePath);
  const prefix = `${basename(archivePath)}.transfer-`;
  for (const f of readdirSync(dir)) {
    const pid = f.startsWith(prefix) ? Number.parseInt(f.slice(prefix.length), 10) : Number.NaN;
    if (Number.isSafeInteger(pid) && pid !== process.pid && !isAlive(pid))
      rmSync(join(dir, f), { recursive: true, force: true });
  }
  return mkdtempSync(`${archivePath}.transfer-${process.pid}-`);
}

export interface ImportResult {
  storeId: string;
  generation: number;
  root: string;
  /** False when the store already held this generation: nothing was written. */
  changed: boolean;
  layers: number;
}

/** Reads and checks an export file's header and tail checksum; returns the header and the open fd. */
export function openExport(file: string): { header: ExportHeader; fd: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw fromSystemError(e, `cannot read ${file}`);
  }
  try {
    const header = decodeExportHeader(readAt(fd, 0, EXPORT_HEADER_SIZE), file);
    const tail = header.finalLength - header.baseLength;
    if (fstatSync(fd).size !== EXPORT_HEADER_SIZE + tail + 32)
      throw new CorruptDataError(`${file}: size does not match its header (truncated?)`);
    if (!equalBytes(hashRange(fd, EXPORT_HEADER_SIZE, tail), readAt(fd, EXPORT_HEADER_SIZE + tail, 32)))
      throw new IntegrityError(`${file}: content checksum mismatch: the file is damaged`);
    return { header, fd };
  } catch (e) {
    closeSync(fd);
    throw e instanceof CorruptDataError ? new CorruptDataError(e.message, EXPORT_HINT) : e;
  }
}

/** How an export fits the store here: nothing to do, appended as is, or relocated (store/import-relocate.ts). */
export type Fit = 'same' | 'append' | 'relocate' | 'create';

export function fitOf(archivePath: string, h: ExportHeader, storeId: string): { fit: Fit; committedLength: number } {
  let cur: Archive;
  try {
    cur = Archive.open(archivePath);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    if (h.baseGeneration !== 0)
      throw new NotFoundError(
        `store ${storeId} does not exist here, and this export only holds generations after ${h.baseGeneration}`,
        'import a full export first',
      );
    return { fit: 'create', committedLength: ARCHIVE_HEADER_SIZE };
  }
  try {
    if (cur.seq >= h.finalGeneration) {
      if (equalBytes(cur.layerEntry(h.finalGeneration).storeRoot, h.finalRoot))
        return { fit: 'same', committedLength: cur.sb.committedLength };
      throw new ExistsError(`store ${storeId} has a different generation ${h.finalGeneration}: the histories diverged`);
    }
    const baseOk =
      cur.seq === h.baseGeneration &&
      (h.baseGeneration === 0 || equalBytes(cur.layerEntry(h.baseGeneration).storeRoot, h.baseRoot));
    if (!baseOk) {
      throw new UsageError(
        `this export extends generation ${h.baseGeneration} (${toHex(h.baseRoot).slice(0, 12)}); store ${storeId} is at generation ${cur.seq}`,
        cur.seq < h.baseGeneration
          ? 'import the earlier layers first (an export without --since)'
          : 'the histories diverged',
      );
    }
    // The same history; the same bytes up to the base unless a gc or compaction ran on either side.
    const fit = cur.sb.committedLength === h.baseLength ? 'append' : 'relocate';
    return { fit, committedLength: cur.sb.committedLength };
  } finally {
    cur.close();
  }
}

/** Writes the export's generations after `keep` bytes of `target`; returns the superblock that would show them. */
async function writeGenerations(
  target: string,
  fd: number,
  src: number,
  h: ExportHeader,
  fit: Fit,
  op: LongOperation,
): Promise<Superblock> {
  if (fit === 'relocate') {
    const cur = Archive.open(target);
    try {
      return relocateInto(cur, fd, src, h);
    } finally {
      cur.close();
    }
  }
  await inBlocks(h.finalLength - h.baseLength, 'copy', op, 'nothing was imported', (at, n) =>
    copyRange(src, EXPORT_HEADER_SIZE + at, n, fd, h.baseLength + at),
  );
  return superblockOf(h);
}

/** The superblock that shows the generation an export brings. */
export function superblockOf(h: ExportHeader): Superblock {
  return {
    storeId: h.storeId,
    seq: h.finalGeneration,
    committedLength: h.finalLength,
    indexOffset: h.indexOffset,
    indexLength: h.indexLength,
    createdAt: h.createdAt,
  };
}

/**
 * What every import shares (a whole export, or a lazy clone's metadata): `write` appends the new generations after the `keep` bytes the store has (to a
 * new archive under a temporary name when `fit` is 'create') and returns the superblock that would show them;
 * they are checked (`deep`: every chunk re-hashed too), `beforePublish` runs, and only then is the superblock
 * written. On any failure the archive is truncated back (the new one removed) and `onAbort` runs.
 */
export async function publishGenerations(
  archivePath: string,
  h: ExportHeader,
  fit: Fit,
  keep: number,
  write: (target: string, fd: number) => Promise<Superblock>,
  opts: LongOperation & { deep: boolean; what: string; beforePublish?: () => void; onAbort?: () => void },
): Promise<void> {
  const creating = fit === 'create';
  const target = creating ? `${archivePath}.importing-${process.pid}` : archivePath;
  if (creating) Archive.create(target, h.storeId, h.createdAt);
  const fd = openSync(target, 'r+');
  let visible = false;
  try {
    ftruncateSync(fd, keep); // drops a dead tail of an interrupted add or commit
    const sb = await write(target, fd);
    fsyncSync(fd);
    const report = await checkArchive(
      target,
      { deep: opts.deep, signal: opts.signal, onProgress: opts.onProgress },
      sb,
    );
    if (!report.ok)
      throw new IntegrityError(`${opts.what}: the imported layers do not verify: ${report.problems[0].message}`);
    const active = Archive.open(target);
    const slot = active.slot;
    try {
      active.assertOtherSlotSound();
    } finally {
      active.close();
    }
    opts.beforePublish?.();
    writeAll(fd, encodeSuperblock(sb), (1 - slot) * SLOT_SIZE);
    fsyncSync(fd);
    visible = true;
  } finally {
    if (!visible) ftruncateSync(fd, keep);
    closeSync(fd);
    if (!visible) opts.onAbort?.();
    if (creating && !visible) rmSync(target, { force: true });
  }
  if (creating) {
    renameSync(target, archivePath);
    fsyncDir(dirname(archivePath));
  }
}

/**
 * Appends the export's generations to the archive at `archivePath` (created when missing), verifies the
 * proposed generation in full, then makes it visible. The caller holds the store lock.
 */
export async function importArchive(archivePath: string, file: string, op: LongOperation = {}): Promise<ImportResult> {
  removeStaleTemps(archivePath);
  const { header: h, fd: src } = openExport(file);
  const storeId = toHex(h.storeId);
  const result = {
    storeId,
    generation: h.finalGeneration,
    root: toHex(h.finalRoot),
    layers: h.finalGeneration - h.baseGeneration,
  };
  try {
    const { fit, committedLength: keep } = fitOf(archivePath, h, storeId);
    if (fit === 'same') return { ...result, changed: false };
    await publishGenerations(archivePath, h, fit, keep, (target, fd) => writeGenerations(target, fd, src, h, fit, op), {
      ...op,
      deep: true,
      what: file,
    });
    return { ...result, changed: true };
  } finally {
    closeSync(src);
  }
}
