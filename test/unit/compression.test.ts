// Per-chunk compression: round trips for every codec this runtime has, incompressible data stays raw,
// and a stored chunk can never decompress to more than its recorded length.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CODEC,
  compressChunk,
  compressionAvailable,
  decompressChunk,
  looksIncompressible,
} from '../../src/core/compression.js';
import { CorruptDataError } from '../../src/core/errors.js';

const text = Buffer.from(
  Array.from({ length: 2000 }, (_, i) => `2026-11-26T10:${i % 60}:00Z INFO request ${i} served in ${i % 97} ms\n`).join(
    '',
  ),
);
const algos = (['gzip', 'brotli', 'zstd'] as const).filter((a) => compressionAvailable(a));

describe('chunk compression', () => {
  for (const algo of algos) {
    it(`${algo}: text shrinks and round-trips; random data stays raw`, () => {
      for (const size of [4096, 70_000, text.length]) {
        const data = text.subarray(0, size);
        const c = compressChunk(data, algo);
        expect(c, `${algo} ${size}`).toBeDefined();
        expect(c!.codec).toBe(CODEC[algo]);
        expect(c!.bytes.length).toBeLessThan(data.length / 2);
        expect(decompressChunk(c!.bytes, c!.codec, data.length, 'chunk').equals(data)).toBe(true);
      }
      expect(compressChunk(randomBytes(100_000), algo)).toBeUndefined();
      // Chunks under 512 bytes are not worth a compressor call, and random ones of any size are not tried.
      expect(compressChunk(text.subarray(0, 500), algo)).toBeUndefined();
      for (const n of [512, 1000, 2048]) expect(compressChunk(randomBytes(n), algo), `random ${n}`).toBeUndefined();
    });
  }

  it('sampling tells text from random bytes', () => {
    expect(looksIncompressible(text)).toBe(false);
    expect(looksIncompressible(Buffer.alloc(5000))).toBe(false);
    for (const n of [512, 4096, 1 << 20]) expect(looksIncompressible(randomBytes(n)), `random ${n}`).toBe(true);
    const json = Buffer.from(
      JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: i, name: `n${i}`, v: i * 3.7 }))),
    );
    expect(looksIncompressible(json)).toBe(false);
  });

  it('none stores everything raw; tiny chunks are not worth it', () => {
    expect(compressChunk(text, 'none')).toBeUndefined();
    expect(compressChunk(Buffer.from('aaaa'), 'brotli')).toBeUndefined();
  });

  it('a forged length cannot make decompression allocate more; damage is a CorruptDataError', () => {
    const c = compressChunk(text, 'brotli')!;
    expect(() => decompressChunk(c.bytes, c.codec, 100, 'chunk')).toThrow(CorruptDataError);
    const bad = Buffer.from(c.bytes);
    bad[5] ^= 0xff;
    expect(() => {
      const out = decompressChunk(bad, c.codec, text.length, 'chunk');
      if (!out.equals(text)) throw new CorruptDataError('differs'); // a flip may still decode: the hash check catches it
    }).toThrow(CorruptDataError);
    expect(() => decompressChunk(c.bytes, 9, text.length, 'chunk')).toThrow(/unknown codec/);
  });
});
