// File names are bytes on POSIX, and not every byte string is UTF-8 (`lat\xe9.txt` from an old Latin-1 system is
// a valid name). Inside digstore a path is a JS string; to keep every name exactly, a byte that is not part of a
// valid UTF-8 sequence becomes the lone surrogate U+DC00 + byte (U+DC80…U+DCFF), as Python's "surrogateescape"
// (PEP 383) does. Valid UTF-8 never decodes to a lone surrogate, so the mapping is one-to-one: every stored,
// hashed, compared or file-system-bound path goes back to its exact bytes through `encodePath`.
import { UsageError } from './errors.js';

const hasLoneSurrogate = (s: string): boolean => !(s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none (strict RFC 3629). */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf]; // no overlong, no surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf]; // ≤ U+10FFFF
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** A name's bytes as a path string: UTF-8, with each undecodable byte kept as U+DC00 + byte. */
export function decodePath(b: Uint8Array): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const fast = buf.toString('utf8');
  if (!fast.includes('\uFFFD')) return fast; // valid UTF-8 (the common case): no replacement happened
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = sequenceLength(buf, i);
    if (n === 0) out += String.fromCharCode(0xdc00 + buf[i++]);
    else {
      out += buf.toString('utf8', i, i + n);
      i += n;
    }
  }
  return out;
}

/** The exact bytes of a path string (the inverse of `decodePath`). */
export function encodePath(s: string): Buffer {
  if (!hasLoneSurrogate(s)) return Buffer.from(s, 'utf8');
  const parts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        for (const x of Buffer.from(s.slice(i, i + 2), 'utf8')) parts.push(x);
        i++;
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) parts.push(c - 0xdc00);
    else if (c >= 0xd800 && c <= 0xdfff) throw new UsageError(`path '${s}' holds a character that is no byte`);
    else for (const x of Buffer.from(s[i], 'utf8')) parts.push(x);
  }
  return Buffer.from(parts);
}

/** Bytes of the path in UTF-8 (escaped bytes count one each). */
export function pathByteLength(s: string): number {
  return hasLoneSurrogate(s) ? encodePath(s).length : Buffer.byteLength(s, 'utf8');
}

/** What to hand to `node:fs` for a path string: itself, or its exact bytes when it holds escaped bytes. */
export function osPath(s: string): string | Buffer {
  return hasLoneSurrogate(s) ? encodePath(s) : s;
}

/** Whether the path needs quoting for people: control characters, quotes, backslashes or non-UTF-8 bytes. */
const needsQuotes = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c) return true;
  }
  return hasLoneSurrogate(s); // bytes that are not UTF-8
};

/**
 * A path as people see it (git's core.quotePath, keeping printable non-ASCII as is): plain when harmless,
 * otherwise in double quotes with C escapes (\n, \t, \", \\) and octal for other control and non-UTF-8 bytes,
 * so a name with a newline can never pass for two lines of output.
 */
export function quotePath(s: string): string {
  if (!needsQuotes(s)) return s;
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    34: '"',
    92: '\\',
  };
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (named[c]) out += `\\${named[c]}`;
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(8).padStart(3, '0')}`;
    else if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) out += `\\${(c - 0xdc00).toString(8)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Writes the path's exact bytes into `buf` at `at` (room for 3 bytes per UTF-16 unit); returns their count. */
export function writePathBytes(buf: Buffer, s: string, at: number): number {
  if (!hasLoneSurrogate(s)) return buf.write(s, at, 'utf8');
  const b = encodePath(s);
  buf.set(b, at);
  return b.length;
}

/** A path inside a message: 'name' as people are used to, or the quoted form when it needs escaping. */
export function quoteName(s: string): string {
  return needsQuotes(s) ? quotePath(s) : `'${s}'`;
}
