// The right edge of a growing merkle tree: the roots of its perfect subtrees ("peaks"), largest first, one per
// set bit of the leaf count. With odd nodes promoted (merkle.ts), the tree over n leaves is the tree over the
// first 2^k (k the highest set bit) joined with the tree over the rest, so its root is the peaks folded from
// the right: root = node(p1, node(p2, … node(p_{m-1}, p_m))). A store root over n layer roots is therefore
// O(log n) hashes from the previous generation's peaks, never a pass over the whole history.
import { EMPTY_ROOT, leafHash, nodeHash } from './merkle.js';

/** Number of peaks a tree of n leaves has (the set bits of n). */
export function peakCount(n: number): number {
  let c = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) c += v % 2;
  return c;
}

/** The peaks after appending `leaf` (already leaf-hashed) to a tree of n leaves with `peaks`; a new array. */
export function appendLeaf(peaks: readonly Uint8Array[], n: number, leaf: Uint8Array): Uint8Array[] {
  const out = peaks.slice();
  let node = leaf;
  // Each trailing set bit of n is a peak of the same height as the one being carried: merge them.
  for (let v = n; v % 2 === 1; v = Math.floor(v / 2)) node = nodeHash(out.pop() as Uint8Array, node);
  out.push(node);
  return out;
}

/** The root of the tree whose peaks these are (EMPTY_ROOT for none). */
export function frontierRoot(peaks: readonly Uint8Array[]): Uint8Array {
  if (peaks.length === 0) return EMPTY_ROOT;
  let root = peaks[peaks.length - 1];
  for (let i = peaks.length - 2; i >= 0; i--) root = nodeHash(peaks[i], root);
  return root;
}

/** Peaks of the tree over the leaf hashes of `items` (raw leaf data), built from nothing. */
export function frontierOf(items: Iterable<Uint8Array>): { peaks: Uint8Array[]; count: number } {
  let peaks: Uint8Array[] = [];
  let count = 0;
  for (const item of items) peaks = appendLeaf(peaks, count++, leafHash(item));
  return { peaks, count };
}
