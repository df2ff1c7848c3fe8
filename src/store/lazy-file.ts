// The side file of a lazy clone (`{storeId}.dig.lazy`, docs/remote.md): which archive bytes are not here yet
// (holes in a sparse archive: chunk data only — every layer record and index is fetched and verified at clone
// time) and where the remote holds them (each pulled edge's archive span and the parts of its export segment).
// Written atomically after the bytes it stops calling missing are on disk; gone once nothing is missing.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { CorruptDataError, fromSystemError } from '../core/errors.js';
import { type RangeSet, removeRange } from '../core/range-set.js';
import { writeFileAtomic } from './fs-utils.js';

export const LAZY_FORMAT = 'digstore-lazy';

export interface LazyEdge {
  /** Archive bytes [start, end) this edge's export segment carries, after its header. */
  start: number;
  end: number;
  /** The segment's parts on the remote, in order (keys under the store's prefix). */
  parts: Array<{ key: string; size: number }>;
}

export interface LazyState {
  format: typeof LAZY_FORMAT;
  version: 1;
  /** The remote the missing bytes come from. */
  remote: string;
  edges: LazyEdge[];
  missing: RangeSet;
}

export const lazyFile = (archivePath: string) => `${archivePath}.lazy`;

function isPairs(a: unknown): a is number[] {
  if (!Array.isArray(a) || a.length % 2 !== 0) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isSafeInteger(a[i]) || a[i] < 0) return false;
    if (i > 0 && a[i] <= a[i - 1]) return false;
  }
  return true;
}

/** The lazy state of the archive, or undefined for a store that has all its bytes. */
export function readLazyState(archivePath: string): LazyState | undefined {
  const file = lazyFile(archivePath);
  if (!existsSync(file)) return undefined;
  let s: LazyState;
  try {
    s = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new CorruptDataError(`${file} is not valid JSON`);
    throw fromSystemError(e, `cannot read ${file}`);
  }
  const ok =
    s?.format === LAZY_FORMAT &&
    s.version === 1 &&
    typeof s.remote === 'string' &&
    isPairs(s.missing) &&
    Array.isArray(s.edges) &&
    s.edges.every(
      (e) =>
        Number.isSafeInteger(e.start) &&
        Number.isSafeInteger(e.end) &&
        e.end > e.start &&
        Array.isArray(e.parts) &&
        e.parts.every((p) => typeof p.key === 'string' && Number.isSafeInteger(p.size) && p.size >= 0),
    );
  if (!ok) throw new CorruptDataError(`${file} is not a valid lazy-clone record`);
  return s;
}

/** Replaces the lazy state (atomically); with nothing missing, removes the file: the store is whole. */
export function writeLazyState(archivePath: string, s: LazyState): void {
  if (s.missing.length === 0) rmSync(lazyFile(archivePath), { force: true });
  else writeFileAtomic(lazyFile(archivePath), Buffer.from(`${JSON.stringify(s)}\n`));
}

/**
 * A lazy pull that stopped after writing its side file but before its superblock leaves ranges past the
 * committed length called missing; a writer about to append there drops them first (so its own new chunks
 * are never taken for missing ones). Returns the ranges that stay.
 */
export function clipLazyState(archivePath: string, committedLength: number, missing: RangeSet): RangeSet {
  if (missing.length === 0 || missing[missing.length - 1] <= committedLength) return missing;
  const s = readLazyState(archivePath);
  if (!s) return [];
  const clipped = removeRange(s.missing, committedLength, Number.MAX_SAFE_INTEGER);
  writeLazyState(archivePath, { ...s, missing: clipped, edges: s.edges.filter((e) => e.start < committedLength) });
  return clipped;
}
