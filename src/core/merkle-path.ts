// Audit paths in digstore's merkle trees (RFC 6962 hashing, odd node promoted; see merkle.ts).
// Level k node j covers the aligned leaf block [j·2^k, (j+1)·2^k), so a leaf's path is, level by level, the
// sibling of its ancestor — absent where the ancestor is the promoted last node of an odd level.
import { nodeHash } from './merkle.js';

/** One step up: `hash` is the sibling; `position` says on which side of the running hash it sits. */
export interface PathStep {
  hash: Uint8Array;
  position: 'left' | 'right';
}

/** Every level of the tree, leaves first, root last: build once, then take as many paths as needed. */
export function merkleLevels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leaves.slice()];
  for (let level = levels[0]; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let k = 0; k + 1 < level.length; k += 2) next.push(nodeHash(level[k], level[k + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The path from leaf `index` to the root of the tree whose levels are given. */
export function pathFromLevels(levels: readonly Uint8Array[][], index: number): PathStep[] {
  const n = levels[0].length;
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${n} leaves`);
  }
  const path: PathStep[] = [];
  let i = index;
  for (let l = 0; l + 1 < levels.length; l++, i >>>= 1) {
    const level = levels[l];
    if (i % 2 === 1) path.push({ hash: level[i - 1], position: 'left' });
    else if (i + 1 < level.length) path.push({ hash: level[i + 1], position: 'right' });
  }
  return path;
}

/** The path from leaf `index` (already leaf-hashed, like `merkleRootOfLeaves` takes them) to the root. */
export function auditPath(leaves: readonly Uint8Array[], index: number): PathStep[] {
  return pathFromLevels(merkleLevels(leaves), index);
}

/** Folds a path onto a leaf hash: the root the path leads to. */
export function rootFromPath(leaf: Uint8Array, path: readonly PathStep[]): Uint8Array {
  let h = leaf;
  for (const s of path) h = s.position === 'left' ? nodeHash(s.hash, h) : nodeHash(h, s.hash);
  return h;
}

/**
 * The leaf index a path's positions describe in a tree of `leafCount` leaves, or undefined when no leaf of
 * that tree has a path of this shape. Walking down from the root, each node with two children takes the
 * next step (from the top) and the promoted last node of an odd level takes none, so the shape fixes one
 * leaf: a verifier derives the position from the path instead of trusting a number written beside it.
 */
export function leafIndexFromPath(positions: readonly ('left' | 'right')[], leafCount: number): number | undefined {
  if (!Number.isInteger(leafCount) || leafCount < 1) return undefined;
  const sizes: number[] = [leafCount]; // level sizes, leaves first
  while (sizes[sizes.length - 1] > 1) sizes.push(Math.ceil(sizes[sizes.length - 1] / 2));
  let index = 0; // the node's index at the current level, walking from the root down
  let step = positions.length - 1;
  for (let l = sizes.length - 2; l >= 0; l--) {
    const left = 2 * index;
    if (left + 1 >= sizes[l]) {
      index = left; // promoted: no sibling at this level, no step
      continue;
    }
    if (step < 0) return undefined;
    index = positions[step--] === 'left' ? left + 1 : left; // a sibling on the left: we are the right child
  }
  return step === -1 ? index : undefined;
}
