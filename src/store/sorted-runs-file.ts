// A sorted-run sidecar on disk (format: core/codecs/sorted-runs-codec.ts): runs appended by commits, merged
// as they grow. A run is merged with the runs before it while the one before holds at most twice as many
// records, so run sizes grow geometrically: O(log n) runs, each record rewritten O(log n) times over its life,
// and a commit writes its own new records (plus, now and then, a merge) instead of every record of the store.
// The file is only a cache: a torn run (a crash) or runs that describe another archive (a gc moved its
// chunks, a repair went back) are dropped, and what is missing is read again from the archive.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import {
  decodeRuns,
  encodeRun,
  RUN_HEADER,
  type RunHeader,
  type RunKind,
  runLength,
  type SortedRun,
} from '../core/codecs/sorted-runs-codec.js';
import { equalBytes, ZERO_HASH } from '../core/digest.js';
import type { Archive } from './archive.js';
import { readAt } from './fs-utils.js';
import { appendMerging, type RunSpan } from './sorted-runs-merge.js';

/** The identity of `archive`'s current generation, as a run records it. */
function headerFor(archive: Archive, from: number): RunHeader {
  return {
    from,
    seq: archive.seq,
    committedLength: archive.sb.committedLength,
    recordChecksum: archive.latest()?.recordChecksum ?? ZERO_HASH,
  };
}

/** Whether `run` describes generation run.seq of this archive (the same layer record there). */
function describes(run: SortedRun, archive: Archive): boolean {
  if (run.seq > archive.seq) return false;
  if (run.seq === archive.seq && run.committedLength !== archive.sb.committedLength) return false;
  if (run.seq === 0) return true;
  const e = archive.layerEntry(run.seq);
  return e.type !== 'pruned' && equalBytes(e.recordChecksum, run.recordChecksum);
}

/** Records for generations from..to, sorted, from the archive itself: what a file that lags is missing. */
export type CatchUp = (archive: Archive, from: number, to: number) => { records: Uint8Array; count: number };

/** The runs of `file` for `archive`, caught up from the archive (and written back) when the file lags. */
export function loadRuns(
  kind: RunKind,
  file: string,
  archive: Archive,
  catchUp: CatchUp,
): Array<Pick<SortedRun, 'records' | 'count'>> {
  let data: Buffer = Buffer.alloc(0);
  try {
    data = readFileSync(file);
  } catch {
    // Missing or unreadable: it is only a cache, rebuilt below.
  }
  const runs = decodeRuns(kind, data, file);
  let keep = runs.length;
  while (keep > 0 && !describes(runs[keep - 1], archive)) keep--;
  const kept = runs.slice(0, keep);
  const last = kept.at(-1);
  const reach = last?.seq ?? -1;
  if (reach === archive.seq && keep === runs.length && last!.offset + last!.length === data.length) return kept;
  const fresh = catchUp(archive, Math.max(reach + 1, 1), archive.seq);
  try {
    const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      ftruncateSync(fd, last ? last.offset + last.length : 0);
      if (reach < archive.seq)
        appendMerging(
          kind,
          fd,
          kept,
          encodeRun(kind, headerFor(archive, Math.max(reach, 0)), fresh.records),
          fresh.count,
        );
    } finally {
      closeSync(fd);
    }
  } catch {
    // A cache that cannot be written (a read-only store) is caught up in memory each time instead.
  }
  return [...kept, fresh];
}

/**
 * After a commit: appends generation after.seq's new records (sorted), if the file is exactly at `before`'s
 * generation. Reads the run headers only. False when the file lags (the next load catches it up).
 */
export function appendRun(
  kind: RunKind,
  file: string,
  before: Archive,
  after: Archive,
  fresh: { records: Uint8Array; count: number },
): boolean {
  const appended = atGeneration(kind, file, 'r+', before, (fd, spans) => {
    appendMerging(kind, fd, spans, encodeRun(kind, headerFor(after, before.seq), fresh.records), fresh.count);
    return true;
  });
  return appended ?? false; // when not: the generation is committed already; the next load repairs the cache
}

/**
 * `use(fd, spans)` on the file opened with `mode`, when its runs reach exactly `archive`'s generation;
 * undefined when they do not, or when anything fails (it is a cache: the caller falls back).
 */
function atGeneration<T>(
  kind: RunKind,
  file: string,
  mode: 'r' | 'r+',
  archive: Archive,
  use: (fd: number, spans: RunSpan[]) => T,
): T | undefined {
  let fd: number;
  try {
    fd = openSync(file, mode);
  } catch {
    return undefined;
  }
  try {
    const spans = runSpans(kind, fd);
    const last = spans.at(-1);
    if (!last || last.seq !== archive.seq || last.committedLength !== archive.sb.committedLength) return undefined;
    return use(fd, spans);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The records whose key lies in [lo, hi], found by binary search in each run with small reads (no run is read
 * whole, so no checksum is verified: the caller checks what it finds against the archive). Undefined when the
 * file is not exactly at `archive`'s generation (the caller loads it instead, which catches it up).
 */
export function searchOnDisk(kind: RunKind, file: string, archive: Archive, lo: Buffer, hi: Buffer) {
  return atGeneration(kind, file, 'r', archive, (fd, spans) => {
    const size = kind.recordSize;
    return spans.flatMap((span) =>
      keyRange(span.count, lo, hi, (i) => {
        const r = readAt(fd, span.offset + RUN_HEADER + i * size, size);
        if (r.length < size) throw new Error('the file shrank'); // then the caller loads it instead
        return r;
      }),
    );
  });
}

/** The records of one sorted run whose key (their first 32 bytes) lies in [lo, hi]: a lower bound, then a scan. */
export function keyRange(count: number, lo: Buffer, hi: Buffer, recordAt: (i: number) => Buffer): Buffer[] {
  let a = 0;
  let b = count;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (lo.compare(recordAt(mid), 0, 32) > 0) a = mid + 1;
    else b = mid;
  }
  const out: Buffer[] = [];
  for (let i = a; i < count; i++) {
    const r = recordAt(i);
    if (hi.compare(r, 0, 32) < 0) break;
    out.push(r);
  }
  return out;
}

/** The runs' headers, hopping from one to the next; stops at the end or at anything that does not follow on. */
function runSpans(kind: RunKind, fd: number): RunSpan[] {
  const size = fstatSync(fd).size;
  const spans: RunSpan[] = [];
  for (let at = 0; at + RUN_HEADER <= size; ) {
    const head = readAt(fd, at, RUN_HEADER);
    const length = runLength(kind, head);
    const from = Number(head.readBigUInt64LE(10));
    if (at + length > size || from !== (spans.at(-1)?.seq ?? 0)) break;
    const seq = Number(head.readBigUInt64LE(18));
    const committedLength = Number(head.readBigUInt64LE(26));
    spans.push({ offset: at, length, count: head.readUInt32LE(66), from, seq, committedLength });
    at += length;
  }
  if (spans.length === 0 || spans.at(-1)!.offset + spans.at(-1)!.length !== size) return [];
  return spans;
}
