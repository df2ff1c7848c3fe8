// Reads a stored file back chunk by chunk, verified: the file's chunk list is checked against its chunk root
// (the value its file leaf binds, so the list is the committed one) before the first byte, and every chunk
// against its own SHA-256 by the archive as it is read. Together they fix every byte, so the whole-file
// SHA-256 is not computed a second time over the same bytes (that halved `get`'s throughput); the file hash
// itself is what proofs and `verify --data` check.
import { chunkRoot } from '../core/roots.js';
import { equalBytes } from '../core/digest.js';
import { CorruptDataError } from '../core/errors.js';
import type { FileEntry } from '../core/types.js';
import type { Archive } from '../store/archive.js';

/** Throws unless the entry's chunk list adds up to its size and hashes to its chunk root. */
export function checkChunkList(entry: FileEntry): void {
  const size = entry.chunks.reduce((n, c) => n + c.length, 0);
  const root = chunkRoot(
    entry.chunks.map((c) => c.hash),
    entry.chunks.map((c) => c.length),
  );
  if (size !== entry.size || !equalBytes(root, entry.chunkRoot))
    throw new CorruptDataError(`${entry.path}: its chunk list does not match the file's size and chunk root`);
}

/** Yields the file's content in chunk-sized pieces; throws before the first byte if the list does not verify. */
export function* fileChunks(archive: Archive, entry: FileEntry): Generator<Buffer> {
  checkChunkList(entry);
  for (const ref of entry.chunks) yield archive.readChunk(ref); // each checked against its hash
}
