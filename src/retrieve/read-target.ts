// What `get`/`cat`/`prove` name — a path, a short URN (`/path#bytes=…`) or a full URN — resolved against one
// store, and byte ranges read from only the chunks that cover them.
import { UsageError } from '../core/errors.js';
import type { ChunkRef, FileEntry } from '../core/types.js';
import { parseRange, parseTarget, resolveRange, type RangeSpec, type Urn } from '../core/urn.js';
import type { Archive } from '../store/archive.js';
import { checkChunkList, fileChunks } from './read-file.js';

export interface ReadRequest {
  path: string;
  /** Root hash or unique prefix (≥ 8 hex); latest when undefined. */
  root?: string;
  range?: RangeSpec;
  /** The short form read as one literal file name (no range): used when the store has that file. */
  literal?: { path: string; range?: RangeSpec };
}

/** The request as the store's content decides it: a stored file named like the whole text wins. */
export function preferLiteral(req: ReadRequest, has: (path: string) => boolean): ReadRequest {
  return req.literal && has(req.literal.path) ? { ...req, ...req.literal, literal: undefined } : req;
}

/** Parses a target that must belong to store `storeId` (a full URN naming another store is refused). */
export function parseTargetIn(storeId: string, target: string): Urn {
  const urn = parseTarget(target);
  if (urn.storeId !== undefined && urn.storeId !== storeId) {
    throw new UsageError(`'${target}' names store ${urn.storeId}, not this store (${storeId})`);
  }
  return urn;
}

/** Combines a target with `--at`/`--bytes`-style options; a URN and an option may not disagree. */
export function readRequest(
  storeId: string,
  target: string,
  opts: { root?: string; range?: RangeSpec | string } = {},
): ReadRequest {
  const urn = parseTargetIn(storeId, target);
  if (urn.path === undefined)
    throw new UsageError(`'${target}' names the whole store, not a file`, 'add /PATH to the URN');
  const optRange = typeof opts.range === 'string' ? parseRange(opts.range) : opts.range;
  if (urn.root && opts.root && !urn.root.startsWith(opts.root)) {
    throw new UsageError(`'${target}' names root ${urn.root}, but --at says ${opts.root}`, 'give one of them');
  }
  if (urn.range && optRange)
    throw new UsageError(`'${target}' already has a byte range`, 'give #bytes= or --bytes, not both');
  return {
    path: urn.path,
    root: urn.root ?? opts.root,
    range: urn.range ?? optRange,
    ...(urn.literal !== undefined && { literal: { path: urn.literal, range: optRange } }),
  };
}

/** Yields bytes [start, end] (inclusive) of a stored file, reading only the chunks that overlap them. */
export function* rangeChunks(archive: Archive, entry: FileEntry, start: number, end: number): Generator<Buffer> {
  checkChunkList(entry);
  let off = 0;
  for (const ref of entry.chunks) {
    const chunkEnd = off + ref.length - 1;
    if (off > end) break;
    if (chunkEnd >= start) {
      const data = archive.readChunk(ref); // verified against the chunk hash
      yield data.subarray(Math.max(0, start - off), Math.min(ref.length, end - off + 1));
    }
    off += ref.length;
  }
}

/** The chunks that hold the file's bytes (or the requested range of them), in file order. */
export function coveringChunks(entry: FileEntry, range?: RangeSpec): ChunkRef[] {
  if (!range) return entry.chunks;
  const r = resolveRange(range, entry.size);
  const out: ChunkRef[] = [];
  let off = 0;
  for (const ref of entry.chunks) {
    if (off > r.end) break;
    if (off + ref.length - 1 >= r.start) out.push(ref);
    off += ref.length;
  }
  return out;
}

/** The file's bytes (or the requested range of them), chunk by chunk, every chunk verified. */
export function readEntry(archive: Archive, entry: FileEntry, range?: RangeSpec): Iterable<Buffer> {
  if (!range) return fileChunks(archive, entry);
  const r = resolveRange(range, entry.size);
  return rangeChunks(archive, entry, r.start, r.end);
}
