// Stored paths are POSIX, relative to the project root, and validated on the way in AND on the way out of
// every decoder: a forged layer must never be able to name `../x` or `/etc/x`.
import { CorruptDataError, UsageError } from './errors.js';
import { encodePath, pathByteLength } from './path-bytes.js';

const MAX_PATH_BYTES = 4096;

/** Why `p` is not a valid stored path, or undefined when it is. */
export function storedPathProblem(p: string): string | undefined {
  if (p.length === 0) return 'empty path';
  if (p.includes('\0')) return 'path contains a NUL byte';
  if (p.startsWith('/')) return 'path is absolute';
  if (p.length * 3 > MAX_PATH_BYTES && pathByteLength(p) > MAX_PATH_BYTES)
    return `path longer than ${MAX_PATH_BYTES} bytes`;
  for (const seg of p.split('/')) {
    if (seg === '') return 'path has an empty segment';
    if (seg === '.' || seg === '..') return `path has a '${seg}' segment`;
  }
  return undefined;
}

/** What a user may type in front of a project path (`./`, a leading `/`), removed. */
export function stripUserPrefix(p: string): string {
  let s = p;
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/^\/+/, '');
}

export function assertStoredPath(p: string, what = 'path'): string {
  const problem = storedPathProblem(p);
  if (problem) throw new UsageError(`invalid ${what} '${p}': ${problem}`);
  return p;
}

/** For decoders: a bad path in stored data is corruption, not a user mistake. */
export function checkDecodedPath(p: string, where: string): string {
  const problem = storedPathProblem(p);
  if (problem) throw new CorruptDataError(`${where}: invalid stored path (${problem})`);
  return p;
}

/**
 * Below U+D800 a UTF-16 code unit is the code point, and UTF-8 keeps code point order: for such paths (nearly
 * all) JS string order is byte order, with no encoding per comparison.
 */
const NOT_BYTE_ORDERED = /[\ud800-\uffff]/;

/** Canonical order of stored paths: byte order (JS string order is UTF-16 and differs above U+D7FF). */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  if (!NOT_BYTE_ORDERED.test(a) && !NOT_BYTE_ORDERED.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(encodePath(a), encodePath(b));
}

/** A sorted copy of `items` in canonical path order. */
export function sortByPath<T extends { path: string }>(items: T[]): T[] {
  return pathOrder(items.map((it) => it.path)).map((i) => items[i]);
}

/** The indices of `paths` in canonical order (sortByPath's order, without an object per path). */
export function pathOrder(paths: readonly string[]): number[] {
  const order = Array.from({ length: paths.length }, (_, i) => i);
  if (!paths.some((p) => NOT_BYTE_ORDERED.test(p)))
    return order.sort((x, y) => (paths[x] < paths[y] ? -1 : paths[x] > paths[y] ? 1 : 0));
  const keys = paths.map(encodePath);
  return order.sort((x, y) => Buffer.compare(keys[x], keys[y]));
}
