import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, merkleRoot, nodeHash } from '../../src/core/merkle.js';

const H = (...parts: Uint8Array[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest().toString('hex'); };
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
const b = (s: string) => Buffer.from(s);

describe('merkle (RFC 6962 domain separation, odd node promoted)', () => {
  it('hashes leaves and nodes with 0x00 / 0x01 prefixes', () => {
    expect(hex(leafHash(b('a')))).toEqual(H(Buffer.from([0]), b('a')));
    expect(hex(nodeHash(b('l'), b('r')))).toEqual(H(Buffer.from([1]), b('l'), b('r')));
  });
  it('root of nothing is SHA-256 of nothing; of one item is its leaf hash', () => {
    expect(merkleRoot([])).toEqual(EMPTY_ROOT);
    expect(Buffer.from(EMPTY_ROOT).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot([b('a')])).toEqual(leafHash(b('a')));
  });
  it('promotes an odd node instead of duplicating it', () => {
    const [la, lb, lc] = ['a', 'b', 'c'].map((s) => leafHash(b(s)));
    expect(merkleRoot([b('a'), b('b'), b('c')])).toEqual(nodeHash(nodeHash(la, lb), lc));
    const ld = leafHash(b('d')), le = leafHash(b('e'));
    expect(merkleRoot(['a', 'b', 'c', 'd', 'e'].map(b))).toEqual(nodeHash(nodeHash(nodeHash(la, lb), nodeHash(lc, ld)), le));
  });
  it('a leaf is never confused with a node (second-preimage resistance)', () => {
    const la = leafHash(b('a')), lb = leafHash(b('b'));
    expect(merkleRoot([Buffer.concat([la, lb])])).not.toEqual(merkleRoot([b('a'), b('b')]));
  });
});
