import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastcdc } from '../../src/index.js';
import { MASKS } from '../../src/chunking/gear.js';
import { fastcdcJs } from '../../src/chunking/fastcdc.js';
import { prng } from '../helpers.js';

const dir = join(__dirname, '..', 'fixtures', 'fastcdc');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));

// A deliberately naive, BigInt-based transcription of ../shared/spec/fastcdc.md, independent of the fast
// implementation's 24/26-bit split: the two must agree on every input.
const M64 = (1n << 64n) - 1n;
const GEAR = Array.from({ length: 256 }, (_, i) =>
  createHash('md5').update(Buffer.alloc(64, i)).digest().readBigUInt64BE(0),
);
function referenceCuts(src: Uint8Array, minSize: number, avgSize: number, maxSize: number, n: number): number[] {
  const bits = Math.round(Math.log2(avgSize));
  const maskS = BigInt(MASKS[bits + n]),
    maskL = BigInt(MASKS[bits - n]);
  const lens: number[] = [];
  let start = 0;
  while (start < src.length) {
    const s = src.subarray(start);
    let remaining = s.length,
      len = -1;
    if (remaining <= minSize) len = remaining;
    else {
      let center = avgSize;
      if (remaining > maxSize) remaining = maxSize;
      else if (remaining < center) center = remaining;
      let hash = 0n;
      let i = Math.floor(minSize / 2);
      for (const [stop, mask] of [
        [Math.floor(center / 2), maskS],
        [Math.floor(remaining / 2), maskL],
      ] as const) {
        for (; len < 0 && i < stop; i++) {
          const a = 2 * i;
          hash = ((hash << 2n) + ((GEAR[s[a]] << 1n) & M64)) & M64;
          if ((hash & ((mask << 1n) & M64)) === 0n) {
            len = a;
            break;
          }
          hash = (hash + GEAR[s[a + 1]]) & M64;
          if ((hash & mask) === 0n) {
            len = a + 1;
            break;
          }
        }
      }
      if (len < 0) len = remaining;
    }
    lens.push(len);
    start += len;
  }
  return lens;
}

describe('fastcdc', () => {
  it('matches the shared reference vectors (SekienAkashita.jpg, 4096/16384/65535)', () => {
    const data = readFileSync(join(dir, expected.file));
    expect(createHash('sha256').update(data).digest('hex')).toBe(expected.fileSha256);
    const opts = { minSize: expected.minSize, avgSize: expected.avgSize, maxSize: expected.maxSize };
    expect(fastcdcJs(data, opts)).toEqual(fastcdc(data, opts));
    const chunks = fastcdc(data, opts);
    expect(chunks).toEqual(
      expected.chunks.map((c: { offset: number; length: number }) => ({ offset: c.offset, length: c.length })),
    );
    for (const [i, c] of chunks.entries()) {
      const h = createHash('sha256')
        .update(data.subarray(c.offset, c.offset + c.length))
        .digest('hex');
      expect(h).toBe(expected.chunks[i].sha256);
    }
  });

  it('pins the gear table ends given in the spec', () => {
    expect(GEAR[0]).toBe(0x3b5d3c7d207e37dcn);
    expect(GEAR[1]).toBe(0x784d68ba91123086n);
  });

  it('agrees with a BigInt transcription of the spec for random data, sizes and normalization levels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60000 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (length, seed, avgBits, n) => {
          const data = prng(seed)(length);
          const avgSize = 1 << avgBits;
          const minSize = avgSize >> 2,
            maxSize = avgSize * 4;
          const want = referenceCuts(data, minSize, avgSize, maxSize, n);
          const opts = { minSize, avgSize, maxSize, normalization: n };
          expect(fastcdc(data, opts).map((c) => c.length)).toEqual(want); // WebAssembly loop
          expect(fastcdcJs(data, opts).map((c) => c.length)).toEqual(want); // JS fallback
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('covers the input exactly, respecting min and max sizes', () => {
    const data = createHash('sha512').update('x').digest();
    const big = Buffer.concat(Array.from({ length: 4000 }, (_, i) => createHash('sha512').update(String(i)).digest()));
    for (const d of [data, big]) {
      const chunks = fastcdc(d, { minSize: 1024, avgSize: 4096, maxSize: 16384 });
      let off = 0;
      for (const [i, c] of chunks.entries()) {
        expect(c.offset).toBe(off);
        expect(c.length).toBeLessThanOrEqual(16384);
        if (i < chunks.length - 1) expect(c.length).toBeGreaterThanOrEqual(1024);
        off += c.length;
      }
      expect(off).toBe(d.length);
    }
  });

  it('rejects bad parameters with a usage error', () => {
    expect(() => fastcdc(new Uint8Array(10), { minSize: 10, avgSize: 5, maxSize: 20 })).toThrow(/minSize <= avgSize/);
    expect(() => fastcdc(new Uint8Array(10), { minSize: 1, avgSize: 2, maxSize: 4, normalization: 4 })).toThrow(
      /normalization/,
    );
    expect(() => fastcdc(new Uint8Array(10), { minSize: 0, avgSize: 2, maxSize: 4 })).toThrow(/positive/);
  });
});
