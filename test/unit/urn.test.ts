// The URN grammar of the spec: every example form, case rules, percent-encoding, each rejection, ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUrn, parseRange, parseTarget, parseUrn, resolveRange, type Urn } from '../../src/core/urn.js';

const ID = 'a'.repeat(64);
const ROOT = '0123456789abcdef'.repeat(4);

describe('URN parsing: the spec forms', () => {
  it('store only, store + root, with path, with range', () => {
    expect(parseUrn(`urn:dig:chia:${ID}`)).toEqual({ storeId: ID });
    expect(parseUrn(`urn:dig:chia:${ID}:${ROOT}`)).toEqual({ storeId: ID, root: ROOT });
    expect(parseUrn(`urn:dig:chia:${ID}/src/a.txt`)).toEqual({ storeId: ID, path: 'src/a.txt' });
    expect(parseUrn(`urn:dig:chia:${ID}:${ROOT}/a.txt#bytes=0-1023`)).toEqual({
      storeId: ID,
      root: ROOT,
      path: 'a.txt',
      range: { start: 0, end: 1023 },
    });
    expect(parseUrn(`urn:dig:chia:${ID}/a.txt#bytes=1024-`)).toEqual({
      storeId: ID,
      path: 'a.txt',
      range: { start: 1024 },
    });
    expect(parseUrn(`urn:dig:chia:${ID}/a.txt#bytes=-4096`)).toEqual({
      storeId: ID,
      path: 'a.txt',
      range: { suffix: 4096 },
    });
  });

  it('the scheme and namespace are case-insensitive; the rest is not', () => {
    expect(parseUrn(`URN:DIG:CHIA:${ID}/A.txt`)).toEqual({ storeId: ID, path: 'A.txt' });
    expect(parseUrn(`Urn:Dig:Chia:${ID}`).storeId).toBe(ID);
    expect(() => parseUrn(`urn:dig:chia:${ID.toUpperCase()}`)).toThrow(/store ID/);
    expect(() => parseUrn(`urn:dig:chia:${ID}:${ROOT.toUpperCase()}`)).toThrow(/root hash/);
  });

  it('paths are percent-decoded UTF-8', () => {
    expect(parseUrn(`urn:dig:chia:${ID}/my%20file.txt`).path).toBe('my file.txt');
    expect(parseUrn(`urn:dig:chia:${ID}/caf%C3%A9/%23hash%25.txt`).path).toBe('café/#hash%.txt');
    expect(parseUrn(`urn:dig:chia:${ID}/日本.txt`).path).toBe('日本.txt');
  });

  it('the short form: /path or path, with an optional range; taken literally', () => {
    expect(parseTarget('/docs/a.txt')).toEqual({ path: 'docs/a.txt' });
    expect(parseTarget('docs/a.txt#bytes=5-9')).toEqual({
      path: 'docs/a.txt',
      range: { start: 5, end: 9 },
      literal: 'docs/a.txt#bytes=5-9', // a stored file of that whole name wins (store-reader)
    });
    expect(parseTarget('x#y.txt')).toEqual({ path: 'x#y.txt' });
    expect(parseTarget('a\\b')).toEqual({ path: 'a\\b' }); // a backslash is an ordinary byte of a POSIX name
    expect(parseTarget('./100%.txt')).toEqual({ path: '100%.txt' });
    expect(parseTarget(`urn:dig:chia:${ID}/x`)).toEqual({ storeId: ID, path: 'x' });
  });
});

describe('URN rejections say which part is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    [`urn:dig:chia:${ID.slice(1)}`, /invalid store ID/],
    [`urn:dig:chia:${'g'.repeat(64)}`, /invalid store ID/],
    [`urn:dig:chia:${ID}:${ROOT.slice(2)}`, /invalid root hash/],
    [`urn:dig:chia:${ID}:${ROOT}:x`, /too many ':'/],
    [`urn:dig:chia:${ID}/a/../b`, /'\.\.' segment/],
    [`urn:dig:chia:${ID}/a/./b`, /'\.' segment/],
    [`urn:dig:chia:${ID}/a//b`, /empty segment/],
    [`urn:dig:chia:${ID}/`, /empty path/],
    [`urn:dig:chia:${ID}/a%00b`, /NUL/],
    [`urn:dig:chia:${ID}/a%ZZ`, /percent-encoding/],
    [`urn:dig:chia:${ID}/a#bytes=5-2`, /before start/],
    [`urn:dig:chia:${ID}/a#bytes=x-2`, /invalid byte range/],
    [`urn:dig:chia:${ID}/a#bytes=-`, /invalid byte range/],
    [`urn:dig:chia:${ID}/a#frag`, /invalid fragment/],
    [`urn:dig:chia:${ID}#bytes=0-1`, /no path/],
    ['../etc/passwd', /'\.\.' segment/],
  ];
  for (const [text, msg] of cases) {
    it(text, () => {
      expect(() => parseTarget(text)).toThrow(msg);
    });
  }
  it('parseUrn wants the urn:dig:chia: prefix (parseTarget would take other text as a path)', () => {
    expect(() => parseUrn('urn:dig:other:x')).toThrow(/not a digstore URN/);
  });
});

describe('byte ranges (RFC 7233, inclusive)', () => {
  it('resolve and clamp like HTTP', () => {
    expect(resolveRange(parseRange('0-9'), 100)).toEqual({ start: 0, end: 9 });
    expect(resolveRange(parseRange('90-200'), 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange(parseRange('50-'), 100)).toEqual({ start: 50, end: 99 });
    expect(resolveRange(parseRange('-10'), 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange(parseRange('-1000'), 100)).toEqual({ start: 0, end: 99 });
    expect(resolveRange(parseRange('7-7'), 100)).toEqual({ start: 7, end: 7 });
  });
  it('an unsatisfiable range is an error', () => {
    expect(() => resolveRange(parseRange('100-'), 100)).toThrow(/past the end/);
    expect(() => resolveRange(parseRange('-0'), 100)).toThrow(/selects nothing/);
    expect(() => resolveRange(parseRange('-5'), 0)).toThrow(/selects nothing/);
  });
});

const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\\') && !s.includes('\0'));
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const range = fc.oneof(
  fc
    .record({ start: fc.nat(), end: fc.nat() })
    .map(({ start, end }) => ({ start: Math.min(start, end), end: Math.max(start, end) })),
  fc.record({ start: fc.nat() }),
  fc.record({ suffix: fc.nat() }),
);
const urn: fc.Arbitrary<Urn> = fc
  .record(
    {
      storeId: hex64,
      root: hex64,
      path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
      range,
    },
    { requiredKeys: ['storeId'] },
  )
  .filter((u) => u.range === undefined || u.path !== undefined);

describe('round trip', () => {
  it('parse(format(u)) = u, and format is stable (canonical)', () => {
    fc.assert(
      fc.property(urn, (u) => {
        const text = formatUrn(u);
        expect(parseUrn(text)).toEqual(u);
        expect(formatUrn(parseUrn(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
