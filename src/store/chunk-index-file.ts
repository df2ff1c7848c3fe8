// The chunk index sidecar on disk (format: core/codecs/chunk-index-codec.ts): runs appended by commits, merged
// as they grow. A run is merged with the runs before it while the one before holds at most twice as many
// records, so run sizes grow geometrically: O(log n) runs, each record rewritten O(log n) times over its life,
// and a commit writes its own new chunks (plus, now and then, a merge) instead of every chunk of the store.
// The file is only a cache: a torn run (a crash) or runs that describe another archive (a gc moved its
// chunks, a repair went back) are dropped, and what is missing is read again from the layers.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import {
  CHUNK_RUN_HEADER,
  type ChunkRun,
  type ChunkRunHeader,
  chunkRunLength,
  decodeChunkRun,
  decodeChunkRuns,
  encodeChunkRun,
} from '../core/codecs/chunk-index-codec.js';
import { equalBytes, ZERO_HASH } from '../core/digest.js';
import { ByteWriter } from '../core/bytes.js';
import { CHUNK_REF_SIZE, writeChunkRef } from '../core/codecs/common.js';
import type { ChunkRef, Indexed } from '../core/types.js';
import type { Archive } from './archive.js';
import { readAt, writeAll } from './fs-utils.js';

/** Where a run is in the file, how many records it holds, what it covers. */
type RunSpan = Pick<ChunkRun, 'offset' | 'length' | 'count' | 'from' | 'seq' | 'committedLength'>;

/** The identity of `archive`'s current generation, as a run records it. */
function headerFor(archive: Archive, from: number): ChunkRunHeader {
  return {
    from,
    seq: archive.seq,
    committedLength: archive.sb.committedLength,
    recordChecksum: archive.latest()?.recordChecksum ?? ZERO_HASH,
  };
}

/** Whether `run` describes generation run.seq of this archive (the same layer record there). */
function describes(run: ChunkRun, archive: Archive): boolean {
  if (run.seq > archive.seq) return false;
  if (run.seq === archive.seq && run.committedLength !== archive.sb.committedLength) return false;
  if (run.seq === 0) return true;
  const e = archive.layerEntry(run.seq);
  return e.type !== 'pruned' && equalBytes(e.recordChecksum, run.recordChecksum);
}

/** The runs of `file` for `archive`, caught up from the layers (and written back) when the file lags. */
export function loadRuns(file: string, archive: Archive): Array<Pick<ChunkRun, 'records' | 'count'>> {
  let data: Buffer = Buffer.alloc(0);
  try {
    data = readFileSync(file);
  } catch {
    // Missing or unreadable: it is only a cache, rebuilt below.
  }
  const runs = decodeChunkRuns(data, file);
  let keep = runs.length;
  while (keep > 0 && !describes(runs[keep - 1], archive)) keep--;
  const kept = runs.slice(0, keep);
  const reach = kept.at(-1)?.seq ?? -1;
  if (reach === archive.seq && keep === runs.length && kept.at(-1)!.offset + kept.at(-1)!.length === data.length)
    return kept;
  // Catch up: the chunks of the layers after the last run that still describes this archive.
  const refs: ChunkRef[] = [];
  archive.index.each(
    (e) => {
      if (e.type !== 'pruned') for (const c of archive.layerView(e.number, false).chunkIndex()) refs.push(c);
    },
    Math.max(reach + 1, 1),
    archive.seq,
  );
  const fresh = sortedRecords(refs);
  try {
    const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      const end = kept.at(-1) ? kept.at(-1)!.offset + kept.at(-1)!.length : 0;
      ftruncateSync(fd, end);
      if (reach < archive.seq)
        appendMerging(fd, kept, encodeChunkRun(headerFor(archive, Math.max(reach, 0)), fresh.records), fresh.count);
    } finally {
      closeSync(fd);
    }
  } catch {
    // A cache that cannot be written (a read-only store) is rebuilt in memory each time instead.
  }
  return [...kept, fresh];
}

/**
 * After a commit: appends the new chunks `refs` of generation after.seq, if the file is exactly at `before`'s
 * generation (otherwise it lags and the next load catches up). Reads the run headers only.
 */
export function appendRun(file: string, before: Archive, after: Archive, refs: Indexed<ChunkRef>): void {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch {
    return; // no cache yet: the next load builds it
  }
  try {
    const spans = runSpans(fd);
    const last = spans.at(-1);
    if (!last || last.seq !== before.seq || last.committedLength !== before.sb.committedLength) return;
    const fresh = sortedRecords(refs);
    appendMerging(fd, spans, encodeChunkRun(headerFor(after, before.seq), fresh.records), fresh.count);
  } catch {
    // The generation is committed already; a cache left behind is caught up by the next load.
  } finally {
    closeSync(fd);
  }
}

/** The runs' headers, hopping from one to the next; stops at the end or at anything that does not follow on. */
function runSpans(fd: number): RunSpan[] {
  const size = fstatSync(fd).size;
  const spans: RunSpan[] = [];
  for (let at = 0; at + CHUNK_RUN_HEADER <= size; ) {
    const head = readAt(fd, at, CHUNK_RUN_HEADER);
    const length = chunkRunLength(head);
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

/**
 * Writes `run` (count records) after `spans`, merged with the trailing runs that are at most twice its size
 * (read back and checked first; a damaged one stops the merge and the next load repairs the file).
 */
function appendMerging(fd: number, spans: readonly RunSpan[], run: Buffer, count: number): void {
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
  let merged = decodeChunkRun(tail, 0);
  let records: Uint8Array = merged.records;
  for (let at = merged.length; at < tail.length; ) {
    const next = decodeChunkRun(tail, at);
    records = mergeRecords(records, next.records).records;
    at += next.length;
    merged = { ...next, records, from: merged.from };
  }
  const bytes = encodeChunkRun(merged, records);
  writeAll(fd, bytes, start);
  ftruncateSync(fd, start + bytes.length);
}

/**
 * `refs` as sorted 49-byte records, without duplicates or those `skip` says are known: sorted on each hash's
 * first 48 bits as numbers, whole hashes compared only on a tie.
 */
export function sortedRecords(refs: Indexed<ChunkRef>, skip: (hash: Uint8Array) => boolean = () => false) {
  const key = (h: Uint8Array) =>
    h[0] * 0x10000000000 + h[1] * 0x100000000 + h[2] * 0x1000000 + h[3] * 0x10000 + h[4] * 0x100 + h[5];
  const keys = new Float64Array(refs.length);
  for (let i = 0; i < refs.length; i++) keys[i] = key(refs.at(i)!.hash);
  const order = Array.from({ length: refs.length }, (_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || Buffer.compare(refs.at(a)!.hash, refs.at(b)!.hash));
  const w = new ByteWriter(order.length * CHUNK_REF_SIZE + 16);
  let count = 0;
  let last: Uint8Array | undefined;
  for (const k of order) {
    const r = refs.at(k)!;
    if ((last && Buffer.compare(last, r.hash) === 0) || skip(r.hash)) continue;
    last = r.hash;
    writeChunkRef(w, r);
    count++;
  }
  return { records: w.finish(), count };
}

/** Two runs' records as one sorted run; on a hash in both, the older run's record (`a`) is kept. */
export function mergeRecords(a: Uint8Array, b: Uint8Array): { records: Buffer; count: number } {
  const A = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const B = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = Buffer.allocUnsafe(A.length + B.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < A.length && j < B.length) {
    const c = A.compare(B, j, j + 32, i, i + 32);
    if (c <= 0) {
      o += A.copy(out, o, i, i + CHUNK_REF_SIZE);
      i += CHUNK_REF_SIZE;
      if (c === 0) j += CHUNK_REF_SIZE;
    } else {
      o += B.copy(out, o, j, j + CHUNK_REF_SIZE);
      j += CHUNK_REF_SIZE;
    }
  }
  o += A.copy(out, o, i);
  o += B.copy(out, o, j);
  return { records: out.subarray(0, o), count: o / CHUNK_REF_SIZE };
}
