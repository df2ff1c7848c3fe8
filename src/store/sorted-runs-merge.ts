// Appending a run to a sorted-run sidecar (sorted-runs-file.ts) and merging it with the runs before it while
// the one before holds at most twice as many records: run sizes grow geometrically, so a file holds O(log n)
// runs and each record is rewritten O(log n) times over its life.
import { ftruncateSync } from 'node:fs';
import { decodeRun, encodeRun, type RunKind, type SortedRun } from '../core/codecs/sorted-runs-codec.js';
import { readAt, writeAll } from './fs-utils.js';

/** Where a run is in the file, how many records it holds, what it covers. */
export type RunSpan = Pick<SortedRun, 'offset' | 'length' | 'count' | 'from' | 'seq' | 'committedLength'>;

/**
 * Writes `run` (count records) after `spans`, merged with the trailing runs that are at most twice its size
 * (read back and checked first; a damaged one stops the merge and the next load repairs the file).
 */
export function appendMerging(kind: RunKind, fd: number, spans: readonly RunSpan[], run: Buffer, count: number): void {
  let first = spans.length;
  let total = count;
  while (first > 0 && spans[first - 1].count <= 2 * total) total += spans[--first].count;
  const end = spans.length ? spans.at(-1)!.offset + spans.at(-1)!.length : 0;
  if (first === spans.length) {
    writeAll(fd, run, end);
    return;
  }
  const start = spans[first].offset;
  const tail = Buffer.concat([readAt(fd, start, end - start), run]);
  let merged = decodeRun(kind, tail, 0);
  let records: Uint8Array = merged.records;
  for (let at = merged.length; at < tail.length; ) {
    const next = decodeRun(kind, tail, at);
    records = mergeRecords(kind.recordSize, records, next.records);
    at += next.length;
    merged = { ...next, records, from: merged.from };
  }
  const bytes = encodeRun(kind, merged, records);
  writeAll(fd, bytes, start);
  ftruncateSync(fd, start + bytes.length);
}

/** Two runs' records as one sorted run; on a key in both, the older run's record (`a`) is kept. */
export function mergeRecords(size: number, a: Uint8Array, b: Uint8Array): Buffer {
  const A = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const B = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = Buffer.allocUnsafe(A.length + B.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < A.length && j < B.length) {
    const c = A.compare(B, j, j + 32, i, i + 32);
    if (c <= 0) {
      o += A.copy(out, o, i, i + size);
      i += size;
      if (c === 0) j += size;
    } else {
      o += B.copy(out, o, j, j + size);
      j += size;
    }
  }
  o += A.copy(out, o, i);
  o += B.copy(out, o, j);
  return out.subarray(0, o);
}
