// A directory without an index.html: its entries as JSON (`Accept: application/json`) or as a plain HTML page
// with relative links, so a browser can walk a store as it walks a file server's autoindex.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toHex } from '../core/digest.js';
import { encodeUrnPath } from '../core/urn.js';
import { sendBody } from './send-body.js';
import type { DirEntry } from '../api/snapshot.js';

/** More entries than this are cut (the JSON says `truncated`): a page, not a dump of a million names. */
export const MAX_LISTING = 10_000;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function wantsJson(req: IncomingMessage): boolean {
  return /\bapplication\/json\b/.test(req.headers.accept ?? '');
}

export interface ListingContext {
  storeId: string;
  root: string;
  generation: number;
  /** '' for the top directory. */
  path: string;
}

function jsonListing(ctx: ListingContext, entries: DirEntry[]): string {
  const shown = entries.slice(0, MAX_LISTING);
  return `${JSON.stringify({
    store_id: ctx.storeId,
    root: ctx.root,
    generation: ctx.generation,
    path: ctx.path,
    entries: shown.map((e) => ({
      name: e.name,
      type: e.type,
      ...(e.size !== undefined && { size: e.size, hash: toHex(e.hash!) }),
    })),
    truncated: entries.length > MAX_LISTING,
  })}\n`;
}

function htmlListing(ctx: ListingContext, entries: DirEntry[]): string {
  const title = escapeHtml(`/${ctx.path}${ctx.path ? '/' : ''}`);
  const rows = entries.slice(0, MAX_LISTING).map((e) => {
    const href = encodeUrnPath(e.name) + (e.type === 'dir' ? '/' : '');
    const label = escapeHtml(e.name) + (e.type === 'dir' ? '/' : e.type === 'symlink' ? ' →' : '');
    return `<tr><td><a href="${escapeHtml(href)}">${label}</a></td><td>${e.size ?? ''}</td></tr>`;
  });
  if (ctx.path !== '') rows.unshift('<tr><td><a href="../">../</a></td><td></td></tr>');
  if (entries.length > MAX_LISTING) rows.push(`<tr><td>… ${entries.length - MAX_LISTING} more</td><td></td></tr>`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>store ${ctx.storeId}<br>root ${ctx.root} (generation ${ctx.generation})</p>
<table><tr><th>name</th><th>bytes</th></tr>
${rows.join('\n')}
</table></body></html>
`;
}

export function sendListing(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ListingContext,
  entries: DirEntry[],
  headers: Record<string, string>,
  forceJson = false,
): void {
  const json = forceJson || wantsJson(req);
  const body = Buffer.from(json ? jsonListing(ctx, entries) : htmlListing(ctx, entries));
  sendBody(req, res, 200, json ? 'application/json' : 'text/html; charset=utf-8', body, { ...headers, Vary: 'Accept' });
}
