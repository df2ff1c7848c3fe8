// URNs: `urn:dig:chia:{storeId}[:{rootHash}][/{path}][#bytes={range}]` and the in-project short form
// `/{path}[#bytes={range}]`. Pure parsing and formatting; every rejection says which part is wrong.
//
// - `urn:dig:chia:` is case-insensitive; store ID and root are 64 lowercase hex; the path is percent-decoded
//   bytes (UTF-8 or not: names are bytes) and must be a valid stored path (no `.`/`..`/empty segments or NUL).
// - The short form is taken literally (`%`, `#`, spaces stay what they are): only a trailing `#bytes=RANGE` is
//   special, and even then a stored file whose name is the whole text wins (see `literal`).
// - Ranges are HTTP's (RFC 7233), inclusive: `a-b`, `a-` (to the end), `-n` (the last n bytes).
import { UsageError } from './errors.js';
import { decodePath, encodePath } from './path-bytes.js';
import { storedPathProblem, stripUserPrefix } from './paths.js';

export const URN_PREFIX = 'urn:dig:chia:';

export type RangeSpec = { start: number; end?: number } | { suffix: number };

export interface Urn {
  storeId?: string;
  root?: string;
  path?: string;
  range?: RangeSpec;
  /**
   * Short form only, when a trailing `#bytes=RANGE` was split off: the whole text as a path. A file of that
   * name in the store wins over the range reading (`x#bytes=1-2` may be a real file name).
   */
  literal?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function isFullUrn(text: string): boolean {
  return text.slice(0, URN_PREFIX.length).toLowerCase() === URN_PREFIX;
}

function num(s: string, text: string): number {
  if (!/^\d{1,16}$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new UsageError(
      `invalid byte range '${text}': '${s}' is not a byte offset`,
      'use a-b, a- or -n (inclusive, as in HTTP)',
    );
  }
  return Number(s);
}

/** Parses `a-b`, `a-` or `-n`. */
export function parseRange(text: string): RangeSpec {
  const m = /^(\d*)-(\d*)$/.exec(text);
  if (!m || (m[1] === '' && m[2] === '')) {
    throw new UsageError(`invalid byte range '${text}'`, 'use a-b, a- or -n (inclusive, as in HTTP)');
  }
  if (m[1] === '') return { suffix: num(m[2], text) };
  const start = num(m[1], text);
  if (m[2] === '') return { start };
  const end = num(m[2], text);
  if (end < start) throw new UsageError(`invalid byte range '${text}': end ${end} is before start ${start}`);
  return { start, end };
}

export function formatRange(r: RangeSpec): string {
  return 'suffix' in r ? `-${r.suffix}` : `${r.start}-${r.end ?? ''}`;
}

/** The inclusive bytes a range selects in a file of `size` bytes, clamped at the end as HTTP does. */
export function resolveRange(r: RangeSpec, size: number): { start: number; end: number } {
  if ('suffix' in r) {
    if (r.suffix === 0 || size === 0)
      throw new UsageError(`byte range -${r.suffix} selects nothing in a ${size}-byte file`);
    return { start: Math.max(0, size - r.suffix), end: size - 1 };
  }
  if (r.start >= size) {
    throw new UsageError(`byte range ${formatRange(r)} starts at or past the end of the file (${size} bytes)`);
  }
  return { start: r.start, end: Math.min(r.end ?? size - 1, size - 1) };
}

function splitFragment(text: string, whole: string): [string, RangeSpec | undefined] {
  const i = text.indexOf('#');
  if (i < 0) return [text, undefined];
  const frag = text.slice(i + 1);
  if (!frag.startsWith('bytes='))
    throw new UsageError(`invalid fragment '#${frag}' in '${whole}'`, 'the only fragment is #bytes=a-b, a- or -n');
  return [text.slice(0, i), parseRange(frag.slice(6))];
}

function checkPath(p: string, whole: string): string {
  const problem = storedPathProblem(p);
  if (problem) throw new UsageError(`invalid path '${p}' in '${whole}': ${problem}`);
  return p;
}

/** Parses a full URN. */
export function parseUrn(text: string): Urn {
  if (!isFullUrn(text)) throw new UsageError(`'${text}' is not a digstore URN`, `URNs start with ${URN_PREFIX}`);
  const [body, range] = splitFragment(text.slice(URN_PREFIX.length), text);
  const slash = body.indexOf('/');
  const ids = slash < 0 ? body : body.slice(0, slash);
  const [storeId, root, ...rest] = ids.split(':');
  if (!HEX64.test(storeId))
    throw new UsageError(`invalid store ID '${storeId}' in '${text}': expected 64 lowercase hex characters`);
  if (rest.length > 0)
    throw new UsageError(`invalid URN '${text}': too many ':' parts`, `use ${URN_PREFIX}STORE_ID[:ROOT][/PATH]`);
  if (root !== undefined && !HEX64.test(root))
    throw new UsageError(`invalid root hash '${root}' in '${text}': expected 64 lowercase hex characters`);
  const urn: Urn = { storeId, ...(root !== undefined && { root }) };
  if (slash >= 0) {
    urn.path = checkPath(
      body
        .slice(slash + 1)
        .split('/')
        .map((s) => decodeSegment(s, text))
        .join('/'),
      text,
    );
  }
  if (range) {
    if (urn.path === undefined) throw new UsageError(`'${text}' has a byte range but no path`);
    urn.range = range;
  }
  return urn;
}

/** Parses what a user may name inside a project: a full URN, or a path with an optional `#bytes=` range. */
export function parseTarget(text: string): Urn {
  if (isFullUrn(text)) return parseUrn(text);
  // `urn:…` of another namespace (urn:dig:eth:…, urn:ipfs:…) is a URN digstore cannot read, not a file name.
  if (/^urn:/i.test(text))
    throw new UsageError(
      `'${text}' is not a digstore URN`,
      `digstore URNs start with ${URN_PREFIX}; prefix ./ for a file named urn:…`,
    );
  const m = /^(.*)#bytes=(\d*-\d*)$/s.exec(text);
  const whole = stripUserPrefix(text);
  if (!m) return { path: checkPath(whole, text) };
  const path = checkPath(stripUserPrefix(m[1]), text);
  return { path, range: parseRange(m[2]), ...(storedPathProblem(whole) === undefined && { literal: whole }) };
}

// RFC 3986 pchar minus '%': the bytes a path segment may hold unencoded; every other byte is %XX.
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

/** Percent-encodes a segment's exact bytes (a non-UTF-8 byte of a name is one %XX, core/path-bytes.ts). */
function encodeSegment(s: string): string {
  let out = '';
  for (const b of encodePath(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && PCHAR.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Percent-decodes a segment to bytes, then to a path string (any bytes, UTF-8 or not, are a name). */
function decodeSegment(s: string, whole: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) throw new UsageError(`invalid percent-encoding in the path of '${whole}'`);
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
  }
  return decodePath(Buffer.from(bytes));
}

/** A stored path percent-encoded as in a URN (and a gateway URL): every byte outside RFC 3986 pchar. */
export function encodeUrnPath(path: string): string {
  return path.split('/').map(encodeSegment).join('/');
}

/** Canonical text of a URN (needs a store ID). */
export function formatUrn(u: Urn): string {
  if (!u.storeId) throw new UsageError('a URN needs a store ID');
  let s = `${URN_PREFIX}${u.storeId}`;
  if (u.root) s += `:${u.root}`;
  if (u.path !== undefined) s += `/${encodeUrnPath(u.path)}`;
  if (u.range) s += `#bytes=${formatRange(u.range)}`;
  return s;
}
