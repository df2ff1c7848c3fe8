// `digstore serve`: the read-only HTTP gateway on node:http. Loopback unless told otherwise; timeouts against
// slow clients (headers, whole request, idle keep-alive and idle sockets); one log record per request; on
// close, stops accepting, lets in-flight responses finish (up to a grace period), then ends.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asDigstoreError } from '../core/errors.js';
import { handleRequest } from './gateway.js';
import { HttpError, statusOf } from './http-error.js';
import { wantsJson } from './listing.js';
import { StoreRegistry } from './stores.js';
import { sendBody } from './send-body.js';
import { GATEWAY_DEFAULTS } from './defaults.js';

export { GATEWAY_DEFAULTS } from './defaults.js';

export interface RequestLog {
  time: string;
  remote: string;
  method: string;
  url: string;
  status: number;
  bytes: number;
  ms: number;
  error?: string;
}

export interface GatewayOptions {
  /** The store home whose stores are served. */
  home: string;
  host?: string;
  /** 0 picks a free port (see `Gateway.url`). */
  port?: number;
  /** The web UI at `/` for browsers and its files under `/_ui/` (default true). */
  ui?: boolean;
  /** Serve only these store IDs (default: every store in `home`). */
  stores?: readonly string[];
  /** Called once per finished request. */
  log?: (entry: RequestLog) => void;
  /** Time a client has to send its request headers. */
  headersTimeoutMs?: number;
  /** Time a socket may stay silent (no byte either way) before it is closed. */
  idleTimeoutMs?: number;
  /** How long close() waits for in-flight responses before cutting them. */
  graceMs?: number;
}

export interface Gateway {
  url: string;
  server: Server;
  /** Stops accepting, waits for in-flight responses (up to the grace period), releases the stores. */
  close(): Promise<void>;
}

function sendError(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  const status = statusOf(e);
  if (res.headersSent) return void res.destroy(); // mid-body: cut it, the client sees a short body
  const message = status === 500 ? `internal error: ${asDigstoreError(e).message}` : (e as Error).message;
  const headers = e instanceof HttpError ? e.headers : {};
  const json = wantsJson(req);
  const body = Buffer.from(json ? `${JSON.stringify({ error: { status, message } })}\n` : `error: ${message}\n`);
  sendBody(req, res, status, json ? 'application/json' : 'text/plain; charset=utf-8', body, {
    ...headers,
    'Cache-Control': 'no-store',
  });
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const o = { ...GATEWAY_DEFAULTS };
  for (const k of ['host', 'port', 'headersTimeoutMs', 'idleTimeoutMs', 'graceMs'] as const)
    if (opts[k] !== undefined) (o as Record<string, unknown>)[k] = opts[k];
  const stores = new StoreRegistry(opts.home, opts.stores ? new Set(opts.stores) : undefined);
  const server = createServer({
    maxHeaderSize: o.maxHeaderBytes,
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.headersTimeoutMs * 2, // a GET has no body: the request is its headers
    keepAliveTimeout: o.keepAliveTimeoutMs,
    // Node checks the header and request timeouts on this period (30 s by default): check often enough to honour them.
    connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs),
  });
  server.timeout = o.idleTimeoutMs;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const t0 = performance.now();
    const sent0 = req.socket.bytesWritten; // requests on a keep-alive socket come one after another
    let error: string | undefined;
    res.on('close', () => {
      opts.log?.({
        time: new Date().toISOString(),
        remote: req.socket.remoteAddress ?? '',
        method: req.method ?? '',
        url: req.url ?? '',
        status: res.statusCode,
        bytes: res.writableFinished ? req.socket.bytesWritten - sent0 : -1,
        ms: Math.round(performance.now() - t0),
        ...(error !== undefined && { error }),
      });
    });
    handleRequest(req, res, stores, opts.ui ?? true).catch((e) => {
      if (statusOf(e) >= 500) error = asDigstoreError(e).message;
      sendError(req, res, e);
    });
  });
  // CONNECT asks for a tunnel: never (without this, Node drops the socket without an answer).
  server.on('connect', (_req: IncomingMessage, socket: import('node:stream').Duplex) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed requests never reach the handler: answer what Node's parser found, then hang up.
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () => closeGateway(server, stores, o.graceMs),
  };
}

async function closeGateway(server: Server, stores: StoreRegistry, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
  stores.close();
}
