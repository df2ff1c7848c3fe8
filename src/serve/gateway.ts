// The gateway's request handler: what a path names (request-path.ts) → a file, a directory (its index.html,
// a redirect to the trailing slash, or a listing), a store's history, the list of stores, or a proof. Read
// only: GET and HEAD; staged data is never visible (a snapshot reads committed generations only).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeUrnPath } from '../core/urn.js';
import type { Snapshot } from '../api/snapshot.js';
import { HttpError, redirect } from './http-error.js';
import { MAX_LISTING, sendListing, wantsJson } from './listing.js';
import { parseRequestTarget, type Route } from './request-path.js';
import { sendFile } from './send-file.js';
import { sendProof } from './send-proof.js';
import type { StoreRegistry } from './stores.js';
import { sendAsset } from './ui-assets.js';
import { sendBody } from './send-body.js';
import { sendExport } from './send-export.js';

type ContentRoute = Extract<Route, { kind: 'content' }>;
type HistoryRoute = Extract<Route, { kind: 'history' }>;
type DiffRoute = Extract<Route, { kind: 'diff' }>;

/** Content at a fixed root never changes; `latest` may move at any commit. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const LATEST_MAX_AGE = 'public, max-age=10';

function sendJson(req: IncomingMessage, res: ServerResponse, value: unknown, headers: Record<string, string> = {}) {
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  sendBody(req, res, 200, 'application/json', body, { 'Cache-Control': 'no-cache', ...headers });
}

function sendStores(req: IncomingMessage, res: ServerResponse, stores: StoreRegistry): void {
  const list = stores.ids().map((id) => {
    const snap = stores.acquire(id);
    try {
      return { store_id: id, generations: snap.latest, latest: snap.latest ? snap.rootOf(snap.latest) : null };
    } finally {
      snap.release();
    }
  });
  if (wantsJson(req) || req.headers.accept === undefined) {
    sendJson(req, res, { stores: list }, { Vary: 'Accept' });
    return;
  }
  const items = list.map(
    (s) => `<li><a href="/${s.store_id}/latest/">${s.store_id}</a> (${s.generations} generations)</li>`,
  );
  const body = Buffer.from(
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>digstore</title></head><body><h1>Stores</h1><ul>\n${items.join('\n')}\n</ul></body></html>\n`,
  );
  sendBody(req, res, 200, 'text/html; charset=utf-8', body, { Vary: 'Accept', 'Cache-Control': 'no-cache' });
}

function sendHistory(req: IncomingMessage, res: ServerResponse, snap: Snapshot, route: HistoryRoute): void {
  const total = snap.latest;
  const count = Math.max(0, Math.min(route.limit ?? total, total - route.offset));
  // `newest`: offset counts back from the latest generation, as a paged log does.
  const [start, end] =
    route.order === 'newest'
      ? [total - route.offset - count, total - route.offset]
      : [route.offset, route.offset + count];
  const slice = count === 0 ? [] : snap.history(start, end);
  const generations = (route.order === 'newest' ? slice.reverse() : slice).map((h) => ({
    generation: h.generation,
    root: h.root,
    layer_root: h.layerRoot,
    type: h.type,
    time: h.time,
    timestamp: h.timestamp,
    message: h.message,
    author: h.author,
    files: h.files,
    data_bytes: h.dataBytes,
  }));
  const latest = total === 0 ? null : snap.rootOf(total);
  sendJson(req, res, { store_id: snap.storeId, latest, total, generations });
}

function sendDiff(req: IncomingMessage, res: ServerResponse, snap: Snapshot, route: DiffRoute): void {
  const gen = (r: string) => (r === 'latest' ? snap.latest : snap.generationOf(r));
  const [from, to] = [gen(route.from), gen(route.to)];
  const changes = snap.diff(from, to).map((d) => ({ ...d }));
  sendJson(req, res, { store_id: snap.storeId, from: snap.rootOf(from), to: snap.rootOf(to), changes });
}

/** The generation a route names, redirecting a root prefix to the full root (which may be cached forever). */
function generationOf(snap: Snapshot, route: ContentRoute): number {
  if (route.root === undefined) {
    if (snap.latest === 0) throw new HttpError(404, `store ${route.storeId} has no commits yet`);
    return snap.latest;
  }
  const g = snap.generationOf(route.root);
  if (route.root.length < 64) {
    const rest = route.path === '' ? '' : encodeUrnPath(route.path);
    const tail = route.slash || route.path === '' ? '/' : '';
    throw redirect(302, `/${route.storeId}/${snap.rootOf(g)}/${rest}${rest && tail}`, 'a root prefix');
  }
  return g;
}

async function sendContent(req: IncomingMessage, res: ServerResponse, snap: Snapshot, route: ContentRoute) {
  const g = generationOf(snap, route);
  const root = snap.rootOf(g);
  const headers = {
    'X-Digstore-Root': root,
    'X-Digstore-Generation': String(g),
    'Cache-Control': route.root === undefined ? LATEST_MAX_AGE : IMMUTABLE,
    'X-Content-Type-Options': 'nosniff',
  };
  const entry = route.path === '' ? undefined : snap.stat(g, route.path);
  if (route.format === 'list') {
    if (!snap.isDirectory(g, route.path)) throw new HttpError(404, `no directory '${route.path}' at root ${root}`);
    const entries = snap.list(g, route.path, MAX_LISTING + 1);
    return sendListing(
      req,
      res,
      { storeId: route.storeId, root, generation: g, path: route.path },
      entries,
      headers,
      true,
    );
  }
  if (route.format) {
    if (!entry) throw new HttpError(404, `no file '${route.path}' at root ${root}`);
    return sendProof(req, res, snap, g, entry, { format: route.format, bytes: route.bytes }, headers);
  }
  // Redirects are relative (right behind any prefix a proxy adds), spelled from the request's own last segment.
  const pathname = req.url!.split('?')[0];
  if (entry) {
    if (route.slash) throw redirect(301, `../${pathname.slice(0, -1).split('/').pop()}`, 'a file, not a directory');
    return sendFile(req, res, snap, entry, headers);
  }
  if (!snap.isDirectory(g, route.path))
    throw new HttpError(404, `no file or directory '${route.path}' at root ${root}`);
  if (!route.slash) throw redirect(301, `./${pathname.split('/').pop()}/`, 'a directory');
  const index = snap.stat(g, route.path === '' ? 'index.html' : `${route.path}/index.html`);
  if (index) return sendFile(req, res, snap, index, headers);
  const entries = snap.list(g, route.path, MAX_LISTING + 1);
  sendListing(req, res, { storeId: route.storeId, root, generation: g, path: route.path }, entries, headers);
}

/** Serves one request; throws HttpError (or a library error) for the caller to turn into a status. */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  stores: StoreRegistry,
  ui = true,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, `${req.method} is not served: the gateway is read-only`, { Allow: 'GET, HEAD' });
  const route = parseRequestTarget(req.url ?? '');
  if (route.kind === 'asset') {
    if (!ui) throw new HttpError(404, 'the web UI is off (serve --no-ui)');
    return sendAsset(req, res, route.name);
  }
  if (route.kind === 'stores') {
    // A browser asking for `/` gets the web UI (unless it is off, or ?ui=0); programs get the JSON list.
    if (ui && route.ui && /\btext\/html\b/.test(req.headers.accept ?? '')) return sendAsset(req, res, 'index.html');
    return sendStores(req, res, stores);
  }
  const snap = stores.acquire(route.storeId);
  try {
    if (route.kind === 'history') return sendHistory(req, res, snap, route);
    if (route.kind === 'diff') return sendDiff(req, res, snap, route);
    if (route.kind === 'export') return sendExport(req, res, stores.archivePath(route.storeId), route.since);
    await sendContent(req, res, snap, route);
  } finally {
    snap.release();
  }
}
