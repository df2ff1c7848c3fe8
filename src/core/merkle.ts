// Merkle trees with RFC 6962 domain separation: leaf = H(0x00 || data), node = H(0x01 || left || right).
// An odd node at the end of a level is promoted unchanged to the next level (never duplicated), which
// avoids the CVE-2012-2459 class of ambiguity that duplicating the last node creates.
import { createHash } from 'node:crypto';

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** SHA-256 of nothing: the root of an empty tree, as RFC 6962 defines MTH({}). */
export const EMPTY_ROOT: Uint8Array = createHash('sha256').digest();

/** Root over already-hashed leaves (each the output of leafHash). */
export function merkleRootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** Root over raw leaf data items (each hashed with the leaf prefix first). */
export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  return merkleRootOfLeaves(items.map(leafHash));
}
