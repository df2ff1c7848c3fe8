import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, merkleRoot, nodeHash } from '../../src/core/merkle.js';

const H = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest().toString('hex');
};
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
const b = (s: string) => Buffer.from(s);

describe('merkle (RFC 6962 domain separation, odd node promoted)', () => {
  it('hashes leaves and nodes with 0x00 / 0x01 prefixes', () => {
    expect(hex(leafHash(b('a')))).toEqual(H(Buffer.from([0]), b('a')));
    expect(hex(nodeHash(b('l'), b('r')))).toEqual(H(Buffer.from([1]), b('l'), b('r')));
  });
  it('root of nothing is SHA-256 of nothing; of one item is its leaf hash', () => {
    expect(merkleRoot([])).toEqual(EMPTY_ROOT);
    expect(Buffer.from(EMPTY_ROOT).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(merkleRoot([b('a')])).toEqual(leafHash(b('a')));
  });
  it('promotes an odd node instead of duplicating it', () => {
    const [la, lb, lc] = ['a', 'b', 'c'].map((s) => leafHash(b(s)));
    expect(merkleRoot([b('a'), b('b'), b('c')])).toEqual(nodeHash(nodeHash(la, lb), lc));
    const ld = leafHash(b('d')),
      le = leafHash(b('e'));
    expect(merkleRoot(['a', 'b', 'c', 'd', 'e'].map(b))).toEqual(
      nodeHash(nodeHash(nodeHash(la, lb), nodeHash(lc, ld)), le),
    );
  });
  it('a leaf is never confused with a node (second-preimage resistance)', () => {
    const la = leafHash(b('a')),
      lb = leafHash(b('b'));
    expect(merkleRoot([Buffer.concat([la, lb])])).not.toEqual(merkleRoot([b('a'), b('b')]));
  });
});

describe('audit paths', () => {
  it('every leaf of trees of 1..70 leaves folds up to the root; a wrong index or sibling does not', async () => {
    const { auditPath, leafIndexFromPath, rootFromPath } = await import('../../src/core/merkle-path.js');
    const { leafHash: lh, merkleRootOfLeaves } = await import('../../src/core/merkle.js');
    for (let n = 1; n <= 70; n++) {
      const leaves = Array.from({ length: n }, (_, i) => lh(Buffer.from(`leaf ${i}`)));
      const root = merkleRootOfLeaves(leaves);
      for (let i = 0; i < n; i++) {
        const path = auditPath(leaves, i);
        expect(
          leafIndexFromPath(
            path.map((s) => s.position),
            n,
          ),
        ).toBe(i); // the shape names the leaf
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(Buffer.from(rootFromPath(leaves[i], path)).equals(Buffer.from(root))).toBe(true);
        if (n > 1) expect(Buffer.from(rootFromPath(leaves[(i + 1) % n], path)).equals(Buffer.from(root))).toBe(false);
      }
      expect(() => auditPath(leaves, n)).toThrow(RangeError);
    }
  });
});

describe('block roots (stored in each layer)', () => {
  it('the root over the block roots equals the root over all leaves, for 1..300 leaves and block sizes 2..64', async () => {
    const { blockRoots } = await import('../../src/core/roots.js');
    const { leafHash: lh, merkleRootOfLeaves } = await import('../../src/core/merkle.js');
    const leaves = Array.from({ length: 300 }, (_, i) => lh(Buffer.from(`f${i}`)));
    for (let n = 1; n <= 300; n++) {
      const want = hex(merkleRootOfLeaves(leaves.slice(0, n)));
      for (const bits of [1, 3, 6]) {
        const blocks = blockRoots(leaves.slice(0, n), bits);
        expect(blocks).toHaveLength(Math.ceil(n / 2 ** bits));
        expect(hex(merkleRootOfLeaves(blocks))).toBe(want);
      }
    }
  });
});
