// What a request names (docs/http.md, "Paths"):
//   /                                   the stores served
//   /STORE                              its history (JSON)
//   /STORE/ROOT/PATH  /STORE/latest/PATH
//   /urn:dig:chia:STORE[:ROOT]/PATH     the URN form (no root: latest)
// PATH is percent-encoded bytes, decoded and checked exactly as a URN's path is (core/urn.ts): no `.`, `..` or
// empty segment, no NUL, no encoded `/`. Anything else is a 400 before any store is opened.
import { isHash } from '../core/digest.js';
import { UsageError } from '../core/errors.js';
import { parseRange, parseUrn, type RangeSpec, URN_PREFIX } from '../core/urn.js';
import { HttpError } from './http-error.js';

export const MAX_URL_BYTES = 8192;
/** The web UI's files (web/, built into dist/web/); a store ID is 64 hex, so nothing collides with this. */
export const UI_PREFIX = '/_ui/';
const ROOT_PREFIX = /^[0-9a-f]{8,63}$/;

export type Route =
  | { kind: 'stores'; ui: boolean }
  | { kind: 'history'; storeId: string; order: 'oldest' | 'newest'; offset: number; limit?: number }
  | { kind: 'diff'; storeId: string; from: string; to: string }
  | { kind: 'export'; storeId: string; since: number }
  | { kind: 'asset'; name: string }
  | {
      kind: 'content';
      storeId: string;
      /** A full root, a prefix to redirect from, or undefined for latest. */
      root?: string;
      /** '' for the generation's top directory. */
      path: string;
      /** The request ended in `/` (a directory), or named the top without one. */
      slash: boolean;
      /** proof, verifiable (a file), list (a directory's entries as JSON, even with an index.html). */
      format?: Format;
      bytes?: RangeSpec;
    };

/** The query's parameters, refusing any but `allowed` (a typo is an error, not a silently ignored option). */
function params(search: string, allowed: readonly string[]): URLSearchParams {
  const q = new URLSearchParams(search);
  for (const k of q.keys()) if (!allowed.includes(k)) throw new HttpError(400, `unknown query parameter '${k}'`);
  return q;
}

function count(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(400, `${name} must be a whole number, not '${v}'`);
  return Number(v);
}

const FORMATS = ['proof', 'verifiable', 'list'] as const;
type Format = (typeof FORMATS)[number];

function contentQuery(search: string): { format?: Format; bytes?: RangeSpec } {
  const q = params(search, ['format', 'bytes']);
  const format = (q.get('format') ?? undefined) as Format | undefined;
  if (format !== undefined && !FORMATS.includes(format))
    throw new HttpError(400, `unknown format '${format}': use proof, verifiable or list`);
  const bytes = q.get('bytes');
  if (bytes !== null && (format === undefined || format === 'list'))
    throw new HttpError(400, 'bytes= goes with format=proof or format=verifiable; use a Range header for content');
  return { format, ...(bytes !== null && { bytes: parseRange(bytes) }) };
}

function historyRoute(storeId: string, search: string): Route {
  const q = params(search, ['order', 'offset', 'limit']);
  const order = q.get('order') ?? 'oldest';
  if (order !== 'oldest' && order !== 'newest') throw new HttpError(400, `order is oldest or newest, not '${order}'`);
  return { kind: 'history', storeId, order, offset: count(q, 'offset') ?? 0, limit: count(q, 'limit') };
}

function diffRoute(storeId: string, search: string): Route {
  const q = params(search, ['from', 'to']);
  const [from, to] = [q.get('from'), q.get('to')];
  if (!from || !to) throw new HttpError(400, 'a diff needs from=ROOT and to=ROOT');
  for (const r of [from, to])
    if (r !== 'latest' && !ROOT_PREFIX.test(r) && !isHash(r)) throw new HttpError(400, `'${r}' is not a root`);
  return { kind: 'diff', storeId, from, to };
}

/** A backslash, `#`, space or control character (Node's parser lets some of them through). */
function hasForbiddenByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c || c === 0x23) return true;
  }
  return false;
}

/** Parses the request target (origin form); throws HttpError 400/414 for anything malformed. */
export function parseRequestTarget(target: string): Route {
  if (Buffer.byteLength(target) > MAX_URL_BYTES) throw new HttpError(414, `URL longer than ${MAX_URL_BYTES} bytes`);
  if (!target.startsWith('/')) throw new HttpError(400, 'the request target must be a path starting with /');
  // Raw backslashes, fragments and control characters have no place in a request line; names holding such
  // bytes are asked for percent-encoded.
  if (hasForbiddenByte(target)) throw new HttpError(400, 'URL holds a backslash, # or control character');
  const q = target.indexOf('?');
  const pathname = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q + 1);
  if (pathname === '/') return { kind: 'stores', ui: params(search, ['ui']).get('ui') !== '0' };
  if (pathname.startsWith(UI_PREFIX)) return { kind: 'asset', name: pathname.slice(UI_PREFIX.length) };
  const slash = pathname.endsWith('/');
  const body = slash ? pathname.slice(1, -1) : pathname.slice(1);
  try {
    if (body.toLowerCase().startsWith(URN_PREFIX)) {
      const { format, bytes } = contentQuery(search);
      const urn = parseUrn(body); // `#` was refused above: no fragment can reach it
      return { kind: 'content', storeId: urn.storeId!, root: urn.root, path: urn.path ?? '', slash, format, bytes };
    }
    const [storeId, root, ...rest] = body.split('/');
    if (!isHash(storeId)) throw new HttpError(404, `no store '${storeId}': store IDs are 64 lowercase hex`);
    if (root === undefined) return historyRoute(storeId, search);
    if (root === 'diff' && rest.length === 0) return diffRoute(storeId, search);
    if (root === 'export' && rest.length === 0)
      return { kind: 'export', storeId, since: count(params(search, ['since']), 'since') ?? 0 };
    const { format, bytes } = contentQuery(search);
    if (root !== 'latest' && !isHash(root) && !ROOT_PREFIX.test(root))
      throw new HttpError(400, `'${root}' is neither a root hash (or a prefix of ≥ 8 hex) nor 'latest'`);
    // The path is decoded and checked as a URN's: one set of rules for every form.
    const urn = rest.length === 0 ? { path: undefined } : parseUrn(`${URN_PREFIX}${storeId}/${rest.join('/')}`);
    const r = root === 'latest' ? undefined : root;
    return { kind: 'content', storeId, root: r, path: urn.path ?? '', slash, format, bytes };
  } catch (e) {
    if (e instanceof UsageError) throw new HttpError(400, e.message);
    throw e;
  }
}
