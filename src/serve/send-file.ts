// A stored file as an HTTP response: ETag (the file hash) with If-None-Match → 304 and If-Range; Range →
// 206 with Content-Range, several ranges → multipart/byteranges, unsatisfiable → 416; HEAD; streamed chunk by
// chunk with backpressure, so memory stays flat whatever the file size.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toHex } from '../core/digest.js';
import { type FileEntry, MODE_LINK } from '../core/types.js';
import { SlabPool, type Snapshot } from '../api/snapshot.js';
import { contentTypeOf } from './content-type.js';
import { HttpError } from './http-error.js';
import { parseRangeHeader } from './range-header.js';
import { pump } from './pump.js';

/** Whether an If-None-Match header names this ETag (or `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/** Sends `entry` of `snap`; `headers` already hold the root, generation and cache headers. */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  snap: Snapshot,
  entry: FileEntry,
  headers: Record<string, string>,
): Promise<void> {
  const etag = `"${toHex(entry.hash)}"`;
  const isLink = entry.mode === MODE_LINK;
  const base = {
    ...headers,
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Content-Type': isLink ? 'text/plain; charset=utf-8' : contentTypeOf(entry.path),
    ...(isLink && { 'X-Digstore-Mode': '120000' }), // a symbolic link: its content is its target
  };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, base).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const range =
    ifRange === undefined || ifRange === etag
      ? parseRangeHeader(req.headers.range, entry.size)
      : { kind: 'all' as const };
  if (range.kind === 'unsatisfiable')
    throw new HttpError(416, `no byte of the range is inside the file (${entry.size} bytes)`, {
      'Content-Range': `bytes */${entry.size}`,
    });
  const head = req.method === 'HEAD';
  // A lazy clone fetches what the response needs first (a failure is an error status, not a cut body).
  if (!head && entry.size > 0) {
    const spans = range.kind === 'all' ? [{ start: 0, end: entry.size - 1 }] : range.ranges;
    for (const r of spans) await snap.fetchLacking(entry, r.start, r.end);
  }
  if (range.kind === 'all') {
    res.writeHead(200, { ...base, 'Content-Length': String(entry.size) });
    if (head || entry.size === 0) return void res.end();
    const slabs = new SlabPool();
    await pump(res, snap.read(entry, 0, entry.size - 1, true, slabs), slabs);
    return;
  }
  if (range.ranges.length === 1) {
    const { start, end } = range.ranges[0];
    res.writeHead(206, {
      ...base,
      'Content-Range': `bytes ${start}-${end}/${entry.size}`,
      'Content-Length': String(end - start + 1),
    });
    if (head) return void res.end();
    await pump(res, snap.read(entry, start, end, false));
    return;
  }
  await sendMultipart(res, snap, entry, range.ranges, base, head);
}

/** Several ranges: one multipart/byteranges body, its length computed before the first byte. */
async function sendMultipart(
  res: ServerResponse,
  snap: Snapshot,
  entry: FileEntry,
  ranges: Array<{ start: number; end: number }>,
  base: Record<string, string>,
  head: boolean,
): Promise<void> {
  const boundary = randomBytes(12).toString('hex');
  const type = base['Content-Type'];
  const heads = ranges.map((r, i) =>
    Buffer.from(
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${r.start}-${r.end}/${entry.size}\r\n\r\n`,
    ),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = heads.reduce((n, h, i) => n + h.length + ranges[i].end - ranges[i].start + 1, tail.length);
  res.writeHead(206, {
    ...base,
    'Content-Type': `multipart/byteranges; boundary=${boundary}`,
    'Content-Length': String(length),
  });
  if (head) return void res.end();
  const parts = function* () {
    for (const [i, r] of ranges.entries()) {
      yield heads[i];
      yield* snap.read(entry, r.start, r.end, false);
    }
    yield tail;
  };
  await pump(res, parts());
}
