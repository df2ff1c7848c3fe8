// The web UI's files (web/, bundled by scripts/bundle-web.mjs into dist/web/): the page a browser gets at `/`
// and the few files it loads from `/_ui/`. Read from disk once. They change with each release, so they are
// revalidated (`no-cache` with an ETag) rather than cached for good like stored content.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';
import { sendBody } from './send-body.js';

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

const loaded = new Map<string, { body: Buffer; etag: string }>();

function load(name: string): { body: Buffer; etag: string } {
  let f = loaded.get(name);
  if (!f) {
    let body: Buffer;
    try {
      // dist/serve/ (the library) and dist/bin/ (the CLI bundle) both sit next to dist/web/.
      body = readFileSync(new URL(`../web/${name}`, import.meta.url));
    } catch {
      throw new HttpError(404, `the web UI is not built (${name}): run npm run build`);
    }
    f = { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
    loaded.set(name, f);
  }
  return f;
}

export function sendAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
  const type = FILES[name];
  if (!type) throw new HttpError(404, `no UI file '${name}'`);
  const { body, etag } = load(name);
  const headers = {
    ETag: etag,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The page talks to its own server only: no other origin for scripts, styles, images, fetches or frames.
    'Content-Security-Policy':
      "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; frame-ancestors 'none'",
  };
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ...headers, 'Content-Type': type }).end();
  sendBody(req, res, 200, type, body, headers);
}
