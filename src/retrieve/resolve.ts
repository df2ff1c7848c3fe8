// Resolves what the user names — a generation's root hash (full or a unique prefix of ≥ 8 hex) and a path —
// to a layer and a file entry, with errors that say what was wrong and what exists instead.
import { NotFoundError, UsageError } from '../core/errors.js';
import { assertStoredPath, stripUserPrefix } from '../core/paths.js';
import type { FileEntry } from '../core/types.js';
import { prunedError, type Archive } from '../store/archive.js';
import { findEntry } from '../store/generations.js';
import { findRoots } from '../store/root-index.js';

/** The layer number of the generation `root` names; the latest when `root` is undefined. */
export function resolveGeneration(archive: Archive, root?: string): number {
  if (root === undefined) {
    if (archive.seq === 0)
      throw new NotFoundError('the store has no commits yet', 'run `digstore commit -m MESSAGE` first');
    return archive.seq;
  }
  if (!/^[0-9a-f]{8,64}$/.test(root)) {
    throw new UsageError(`invalid root '${root}': expected 8 to 64 lowercase hex characters`);
  }
  const matches = findRoots(archive, root).map((n) => archive.layerEntry(n));
  if (matches.length === 0)
    throw new NotFoundError(`no generation has root ${root}`, 'see `digstore log` for the roots');
  if (matches.length > 1)
    throw new UsageError(`root prefix ${root} is ambiguous (${matches.length} generations)`, 'give more hex digits');
  if (matches[0].type === 'pruned') throw prunedError(matches[0].number);
  return matches[0].number;
}

/** Normalizes a user-typed path (leading `/` or `./` allowed) to a stored path. */
export function normalizeUserPath(p: string): string {
  return assertStoredPath(stripUserPrefix(p));
}

export function notInGeneration(path: string, generation: number): NotFoundError {
  return new NotFoundError(`'${path}' is not in generation ${generation}`, 'see `digstore status` or `digstore log`', {
    path,
    generation,
  });
}

export function findFile(archive: Archive, generation: number, path: string): FileEntry {
  const e = findEntry(archive, generation, path);
  if (!e) throw notInGeneration(path, generation);
  return e;
}
