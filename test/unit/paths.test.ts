import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePaths, pathOrder, storedPathProblem, sortByPath } from '../../src/core/paths.js';

describe('stored paths', () => {
  it('accepts ordinary relative POSIX paths, with spaces and non-ASCII', () => {
    for (const p of ['a', 'a/b.txt', 'dir with space/ü 文件.txt', '.hidden/x', '..x', 'x..'])
      expect(storedPathProblem(p)).toBeUndefined();
  });
  it('rejects absolute, dot segments, empty segments, and NUL (a backslash is an ordinary byte)', () => {
    for (const p of ['', '/etc/passwd', '../x', 'a/../b', './a', 'a/./b', 'a//b', 'a/', 'a\0b']) {
      expect(storedPathProblem(p), p).toBeDefined();
    }
  });
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF61 (3 bytes EF BD A1) sorts before U+1F600 (4 bytes F0 …) in UTF-8, but after it in UTF-16.
    const a = '\uff61',
      b = '\u{1f600}';
    expect(comparePaths(a, b)).toBeLessThan(0);
    expect(sortByPath([{ path: b }, { path: a }]).map((x) => x.path)).toEqual([a, b]);
  });
  it('sorts in byte order whether or not a path needs the encoded comparison (fast path for the rest)', () => {
    const bytewise = (xs: string[]) =>
      [...xs].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    // Mostly ASCII and BMP names below U+D800 (the fast path), sometimes one beyond it (the encoded path).
    const name = fc.string({
      unit: fc.oneof(fc.constantFrom('a', 'B', '/', '.', '~', 'é', '文'), fc.constantFrom('\uff61', '\u{1f600}')),
    });
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), (names) => {
        const input = names.map((path) => ({ path }));
        const out = sortByPath(input).map((x) => x.path);
        expect(out).toEqual(bytewise(names));
        expect(pathOrder(names).map((i) => names[i])).toEqual(out); // the same order, as positions
        for (let i = 1; i < out.length; i++) expect(comparePaths(out[i - 1], out[i])).toBeLessThanOrEqual(0);
        if (names.length >= 2) {
          const [a, b] = names;
          const want = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
          expect(Math.sign(comparePaths(a, b))).toBe(want);
        }
        expect(input.map((x) => x.path)).toEqual(names); // the caller's array is not reordered
      }),
    );
  });
});
