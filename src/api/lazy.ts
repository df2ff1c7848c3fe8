// Lazy clones (docs/remote.md): a pulled edge brings only what history, listings and proofs need — the export
// header, the layer index and every new layer record, fetched with ranged GETs and verified like any import
// (every record's checksum, every root recomputed) — and leaves the chunk data as holes in a sparse archive,
// recorded in the side file (store/lazy-file.ts). A read fetches the chunks it needs, checks each against its
// hash before writing it, and only then stops calling those bytes missing.
import { closeSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { EXPORT_HEADER_SIZE, decodeExportHeader, type ExportHeader } from '../core/codecs/export-codec.js';
import { decodeLayerIndex, type IndexLocation, type LayerIndexEntry } from '../core/codecs/layer-index-codec.js';
import { walkAfter, walkAsync } from '../core/layer-index-tree.js';
import { toHex } from '../core/digest.js';
import { IntegrityError, UsageError } from '../core/errors.js';
import { addRange, overlaps, removeRange } from '../core/range-set.js';
import type { ChunkRef } from '../core/types.js';
import { type GenObject, getPart } from '../remote/chain.js';
import type { ObjectStore } from '../remote/object-store.js';
import { type Archive, chunkContent } from '../store/archive.js';
import { withLock, withReader } from '../store/access.js';
import { writeAll } from '../store/fs-utils.js';
import type { StorePaths } from '../store/home.js';
import { LAZY_FORMAT, type LazyEdge, type LazyState, readLazyState, writeLazyState } from '../store/lazy-file.js';
import { fitOf, publishGenerations, removeStaleTemps, superblockOf } from '../store/transfer.js';

/** What lazy reads transferred: ranged GETs and bytes received. */
export interface FetchCounts {
  requests: number;
  bytes: number;
}

/** Bytes [start, end) of an export segment stored as `parts`, by ranged GETs (one per part it touches). */
async function readSegment(
  remote: ObjectStore,
  parts: LazyEdge['parts'],
  start: number,
  end: number,
  counts: FetchCounts,
): Promise<Buffer> {
  const out: Buffer[] = [];
  let at = 0;
  for (const p of parts) {
    const [from, to] = [Math.max(start, at), Math.min(end, at + p.size)];
    if (from < to) {
      out.push(await getPart(remote, p.key, { start: from - at, end: to - at }));
      counts.requests++;
      counts.bytes += to - from;
    }
    at += p.size;
    if (at >= end) break;
  }
  const b = Buffer.concat(out);
  if (b.length !== end - start) throw new IntegrityError(`${remote.url}: the segment is shorter than its parts say`);
  return b;
}

/** Archive bytes [start, end) as the remote holds them (inside one pulled edge). */
function archiveSpan(remote: ObjectStore, edge: LazyEdge, start: number, end: number, counts: FetchCounts) {
  const at = EXPORT_HEADER_SIZE + start - edge.start;
  return readSegment(remote, edge.parts, at, at + end - start, counts);
}

/** The new layers' index entries an export header points at, and the index and layer records, as fetched. */
async function newLayerEntries(remote: ObjectStore, edge: LazyEdge, h: ExportHeader, counts: FetchCounts) {
  const pieces: Array<{ offset: number; data: Buffer }> = [];
  const fetch = async (offset: number, length: number) => {
    const data = await archiveSpan(remote, edge, offset, offset + length, counts);
    pieces.push({ offset, data });
    return data;
  };
  const read = async (at: IndexLocation) =>
    decodeLayerIndex(await fetch(at.offset, at.length), `${remote.url} layer index`);
  const at = { offset: h.indexOffset, length: h.indexLength };
  const entries: LayerIndexEntry[] = [];
  await walkAsync(
    walkAfter(await read(at), at, h.baseGeneration, (e) => entries.push(e)),
    read,
  );
  const fresh = entries.filter((e) => e.type !== 'pruned');
  for (const e of fresh) {
    if (e.recordOffset < h.baseLength || e.recordOffset + e.recordLength > h.finalLength)
      throw new IntegrityError(`${remote.url}: layer ${e.number}'s record lies outside its segment`);
    await fetch(e.recordOffset, e.recordLength);
  }
  return pieces;
}

/**
 * Brings one edge of the remote's history into the store lazily: its metadata verified and visible, its chunk
 * data left on the remote. The caller holds the store lock. A store whose bytes do not line up with the
 * remote's (a gc on either side) cannot follow lazily: that is refused with what to do.
 */
export async function importEdgeLazily(remote: ObjectStore, gen: GenObject, archivePath: string): Promise<FetchCounts> {
  const counts = { requests: 0, bytes: 0 };
  const edge: LazyEdge = { start: 0, end: 0, parts: gen.parts };
  const h = decodeExportHeader(await readSegment(remote, gen.parts, 0, EXPORT_HEADER_SIZE, counts), remote.url);
  if (
    toHex(h.storeId) !== gen.store_id ||
    h.finalGeneration !== gen.head.generation ||
    toHex(h.finalRoot) !== gen.head.root
  )
    throw new IntegrityError(
      `${remote.url}: the segment of generation ${gen.head.generation} is not what its object says`,
    );
  removeStaleTemps(archivePath);
  const { fit, committedLength: keep } = fitOf(archivePath, h, gen.store_id);
  if (fit === 'same') return counts;
  if (fit === 'relocate')
    throw new UsageError(
      `${remote.url}: generation ${h.baseGeneration + 1} was pushed from a store whose bytes differ from this one's (a gc)`,
      'clone without --lazy',
    );
  edge.start = h.baseLength;
  edge.end = h.finalLength;
  const pieces = await newLayerEntries(remote, edge, h, counts);
  const before = readLazyState(archivePath);
  let missing = addRange(before?.missing ?? [], h.baseLength, h.finalLength);
  for (const p of pieces) missing = removeRange(missing, p.offset, p.offset + p.data.length);
  const state: LazyState = {
    format: LAZY_FORMAT,
    version: 1,
    remote: remote.url,
    edges: [...(before?.edges ?? []), edge],
    missing,
  };
  const write = async (_target: string, fd: number) => {
    ftruncateSync(fd, h.finalLength);
    for (const p of pieces) writeAll(fd, p.data, p.offset);
    // The rest of the segment stays a hole in a sparse file: chunk data, fetched when read.
    return superblockOf(h);
  };
  await publishGenerations(archivePath, h, fit, keep, write, {
    deep: false, // the records, roots and chunk lists are checked; chunk data is checked when it is fetched
    what: remote.url,
    beforePublish: () => writeLazyState(archivePath, state),
    onAbort: () => writeLazyState(archivePath, before ?? { ...state, edges: [], missing: [] }),
  });
  return counts;
}

/** Runs of adjacent chunks (at most RUN_BYTES each, within one edge): one ranged GET per part they touch. */
const RUN_BYTES = 16 * 1024 * 1024;

function runsOf(refs: ChunkRef[], edges: LazyEdge[]): Array<{ edge: LazyEdge; refs: ChunkRef[] }> {
  const runs: Array<{ edge: LazyEdge; refs: ChunkRef[] }> = [];
  const sorted = [...new Map(refs.map((r) => [r.offset, r])).values()].sort((a, b) => a.offset - b.offset);
  for (const ref of sorted) {
    const edge = edges.find((e) => e.start <= ref.offset && ref.offset + ref.storedLength <= e.end);
    if (!edge) throw new IntegrityError(`chunk ${toHex(ref.hash)} lies outside every pulled segment`);
    const run = runs.at(-1);
    const last = run?.refs.at(-1);
    const adjacent = run && last && run.edge === edge && last.offset + last.storedLength === ref.offset;
    if (adjacent && ref.offset + ref.storedLength - run.refs[0].offset <= RUN_BYTES) run.refs.push(ref);
    else runs.push({ edge, refs: [ref] });
  }
  return runs;
}

/**
 * Fetches the chunks among `refs` that this lazy clone lacks, checks each against its hash, writes it into the
 * archive, and only then records it as here (and tells `archive`, so the caller's reads go on). A chunk that
 * does not match fails with the integrity code and nothing is recorded for it.
 */
export async function fetchChunks(
  paths: StorePaths,
  archive: Archive,
  refs: readonly ChunkRef[],
  open: (url: string) => ObjectStore,
): Promise<FetchCounts> {
  const counts = { requests: 0, bytes: 0 };
  const lacking = refs.filter((r) => overlaps(archive.missing, r.offset, r.offset + r.storedLength));
  if (lacking.length === 0) return counts;
  await withLock(paths, {}, async () => {
    const state = readLazyState(paths.archive);
    if (!state) return; // another process fetched the rest meanwhile
    const remote = open(state.remote);
    const fd = openSync(paths.archive, 'r+');
    try {
      for (const batch of batchesOf(runsOf(lacking, state.edges))) {
        // Every chunk of a batch is checked before any of it is written: a bad one leaves the store as it was.
        const verified: Array<{ ref: ChunkRef; stored: Buffer }> = [];
        for (const run of batch) {
          const start = run.refs[0].offset;
          const last = run.refs[run.refs.length - 1];
          const data = await archiveSpan(remote, run.edge, start, last.offset + last.storedLength, counts);
          for (const ref of run.refs) {
            const stored = data.subarray(ref.offset - start, ref.offset - start + ref.storedLength);
            try {
              chunkContent(stored, ref, `chunk ${toHex(ref.hash)}`);
            } catch (e) {
              throw new IntegrityError(
                `${remote.url} served a chunk that does not match its hash: ${(e as Error).message}`,
              );
            }
            verified.push({ ref, stored });
          }
        }
        for (const { ref, stored } of verified) writeAll(fd, stored, ref.offset);
        fsyncSync(fd);
        let missing = readLazyState(paths.archive)?.missing ?? [];
        for (const { ref } of verified) missing = removeRange(missing, ref.offset, ref.offset + ref.storedLength);
        writeLazyState(paths.archive, { ...state, missing });
        archive.missing = missing;
      }
    } finally {
      closeSync(fd);
    }
  });
  return counts;
}

/**
 * Runs grouped into batches of about BATCH_BYTES: a read of up to that much is all or nothing; a larger one
 * (a whole extract) keeps the batches that proved out before a bad one.
 */
const BATCH_BYTES = 64 * 1024 * 1024;

function batchesOf<R extends { refs: ChunkRef[] }>(runs: R[]): R[][] {
  const out: R[][] = [];
  let bytes = BATCH_BYTES;
  for (const run of runs) {
    const size = run.refs.reduce((n, r) => n + r.storedLength, 0);
    if (bytes + size > BATCH_BYTES) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1].push(run);
    bytes += size;
  }
  return out;
}

/**
 * Fetches every chunk this lazy clone lacks (layer by layer, each checked): the store becomes whole and its
 * side file goes. What no chunk list names (layer indexes a later commit superseded) is never read and stays
 * a hole.
 */
export async function fetchAll(paths: StorePaths, open: (url: string) => ObjectStore): Promise<FetchCounts> {
  const counts = { requests: 0, bytes: 0 };
  await withReader(paths, async (a) => {
    for (const e of a.storedLayers) {
      if (!overlaps(a.missing, e.dataOffset, e.dataOffset + e.dataLength)) continue;
      const c = await fetchChunks(paths, a, a.readLayer(e.number).chunkIndex, open);
      counts.requests += c.requests;
      counts.bytes += c.bytes;
    }
    await withLock(paths, {}, () => {
      const state = readLazyState(paths.archive);
      if (state) writeLazyState(paths.archive, { ...state, missing: [] });
    });
  });
  return counts;
}
