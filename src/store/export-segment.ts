// The export segment (docs/format.md, "Export files"): a header, the committed archive bytes after a base
// generation, and their checksum — read straight from the archive once every exported layer is verified. An
// export file is this segment written out; a push sends it as parts without writing it anywhere.
import { createHash } from 'node:crypto';
import { EXPORT_HEADER_SIZE, encodeExportHeader, type ExportHeader } from '../core/codecs/export-codec.js';
import { ARCHIVE_HEADER_SIZE } from '../core/codecs/superblock-codec.js';
import { toHex, ZERO_HASH } from '../core/digest.js';
import {
  CorruptDataError,
  DigstoreError,
  InternalError,
  NotFoundError,
  UsageError,
  fromSystemError,
} from '../core/errors.js';
import { Archive } from './archive.js';
import { verifyExportedLayers } from './export-verify.js';
import { AtomicFile, readInto, readRange } from './fs-utils.js';
import { inBlocks, type LongOperation } from './interrupt.js';

export interface ExportResult {
  file: string;
  storeId: string;
  fromGeneration: number;
  toGeneration: number;
  root: string;
  bytes: number;
}

/**
 * The export segment for generation `since`+1 … latest, read straight from the archive (never copied): its
 * header, the archive's bytes from the base, and their checksum. Every exported layer is verified first (every
 * chunk re-hashed) and the checksum computed in one pass, so `read` hands out exactly what an export file holds.
 * `stopped` says what was not done when the signal stops it. Close it when done.
 */
export async function openSegment(
  archivePath: string,
  since: number,
  { signal, onProgress }: LongOperation,
  stopped: string,
): Promise<Segment> {
  const a = Archive.open(archivePath);
  try {
    if (a.seq === 0) throw new NotFoundError('the store has no commits to export', 'commit first');
    if (since >= a.seq) throw new UsageError(`nothing to export after generation ${since}: it is the latest`);
    if (since > 0 && a.layerEntry(since + 1).type === 'pruned') {
      throw new UsageError(
        `generation ${since + 1} was removed by gc --keep-history`,
        'export everything (no --since), or since a later root',
      );
    }
    const header: ExportHeader = {
      storeId: a.sb.storeId,
      createdAt: a.sb.createdAt,
      baseGeneration: since,
      baseLength: since === 0 ? ARCHIVE_HEADER_SIZE : a.layerEntry(since + 1).dataOffset,
      baseRoot: since === 0 ? ZERO_HASH : a.layerEntry(since).storeRoot,
      finalGeneration: a.seq,
      finalLength: a.sb.committedLength,
      indexOffset: a.sb.indexOffset,
      indexLength: a.sb.indexLength,
      finalRoot: a.layerEntry(a.seq).storeRoot,
    };
    await verifyExportedLayers(a, since, { signal, onProgress }, stopped);
    const tail = header.finalLength - header.baseLength;
    const h = createHash('sha256');
    await inBlocks(tail, 'copy', { signal, onProgress }, stopped, (at, n) =>
      readRange(a.fd, header.baseLength + at, n, (b) => h.update(b)),
    );
    const head = encodeExportHeader(header);
    const sum = h.digest();
    const size = EXPORT_HEADER_SIZE + tail + 32;
    const read = (at: number, n: number): Buffer => {
      if (at < 0 || at + n > size) throw new InternalError(`segment read ${at}+${n} outside its ${size} bytes`);
      const out = Buffer.allocUnsafe(n);
      for (let done = 0; done < n; ) {
        const pos = at + done;
        let len: number;
        if (pos < EXPORT_HEADER_SIZE) {
          len = Math.min(n - done, EXPORT_HEADER_SIZE - pos);
          head.copy(out, done, pos, pos + len);
        } else if (pos < EXPORT_HEADER_SIZE + tail) {
          len = Math.min(n - done, EXPORT_HEADER_SIZE + tail - pos);
          const from = header.baseLength + pos - EXPORT_HEADER_SIZE;
          if (readInto(a.fd, out.subarray(done, done + len), from, len).length !== len)
            throw new CorruptDataError(`${archivePath}: shorter than its committed length`);
        } else {
          const s = pos - EXPORT_HEADER_SIZE - tail;
          len = Math.min(n - done, 32 - s);
          sum.copy(out, done, s, s + len);
        }
        done += len;
      }
      return out;
    };
    return { header, size, read, close: () => a.close() };
  } catch (e) {
    a.close();
    throw e;
  }
}

/** An export segment as openSegment gives it. */
export interface Segment {
  header: ExportHeader;
  /** Bytes: header, archive tail, checksum. */
  size: number;
  read(at: number, n: number): Buffer;
  close(): void;
}

/** Writes generation `since`+1 … latest (all of them when `since` is 0) to `file`, atomically. */
export async function exportArchive(
  archivePath: string,
  file: string,
  since: number,
  op: LongOperation = {},
): Promise<ExportResult> {
  const stopped = `nothing was exported (${file} was not written)`;
  const seg = await openSegment(archivePath, since, op, stopped);
  let out: AtomicFile | undefined;
  try {
    try {
      out = new AtomicFile(file);
    } catch (e) {
      throw fromSystemError(e, `cannot write ${file}`);
    }
    const f = out;
    await inBlocks(seg.size, 'copy', op, stopped, (at, n) => f.write(seg.read(at, n)));
    f.commit(true);
    return {
      file,
      storeId: toHex(seg.header.storeId),
      fromGeneration: since,
      toGeneration: seg.header.finalGeneration,
      root: toHex(seg.header.finalRoot),
      bytes: seg.size,
    };
  } catch (e) {
    out?.abort();
    throw e instanceof DigstoreError ? e : fromSystemError(e, `cannot export to ${file}`);
  } finally {
    seg.close();
  }
}
