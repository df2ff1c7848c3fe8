// Merkle trees with RFC 6962 domain separation: leaf = H(0x00 || data), node = H(0x01 || left || right).
// An odd node at the end of a level is promoted unchanged to the next level (never duplicated), which
// avoids the CVE-2012-2459 class of ambiguity that duplicating the last node creates.
import { sha256 } from './digest.js';

// One scratch buffer for node hashing: building 65 bytes in place beats a Hash object with three updates.
const scratch = Buffer.allocUnsafe(65);
const NODE = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Uint8Array {
  const b = Buffer.allocUnsafe(data.length + 1);
  b[0] = 0x00;
  b.set(data, 1);
  return sha256(b);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE, left, right]));
  scratch[0] = 0x01;
  scratch.set(left, 1);
  scratch.set(right, 33);
  return sha256(scratch);
}

/** SHA-256 of nothing: the root of an empty tree, as RFC 6962 defines MTH({}). */
export const EMPTY_ROOT: Uint8Array = Uint8Array.from(
  Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
); // written out: no hashing while modules load

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
