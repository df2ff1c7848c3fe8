// Reads a stored file back chunk by chunk. Every chunk is checked against its hash by the archive, and the
// whole-file hash is checked at the end, so what we hand out is exactly what was committed.
import { createHash } from 'node:crypto';
import { equalBytes } from '../core/digest.js';
import { CorruptDataError } from '../core/errors.js';
import type { FileEntry } from '../core/types.js';
import type { Archive } from '../store/archive.js';

/** Yields the file's content in chunk-sized pieces; throws before the end if anything does not verify. */
export function* fileChunks(archive: Archive, entry: FileEntry): Generator<Buffer> {
  const only = entry.chunks.length === 1 ? entry.chunks[0] : undefined;
  if (only && only.length === entry.size && equalBytes(only.hash, entry.hash)) {
    // One chunk that is the whole file: the archive checks its SHA-256, which is the file hash. No second hash.
    yield archive.readChunk(only);
    return;
  }
  const h = createHash('sha256');
  let size = 0;
  for (const ref of entry.chunks) {
    const data = archive.readChunk(ref);
    h.update(data);
    size += data.length;
    yield data;
  }
  if (size !== entry.size || !equalBytes(h.digest(), entry.hash)) {
    throw new CorruptDataError(`${entry.path}: reassembled content does not match the file hash`);
  }
}

export function readWholeFile(archive: Archive, entry: FileEntry): Buffer {
  return Buffer.concat([...fileChunks(archive, entry)], entry.size);
}
