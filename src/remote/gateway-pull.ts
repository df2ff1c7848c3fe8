// Pull and clone from a `digstore serve` gateway (`http(s)://HOST[/prefix]`): the gateway's history says where
// it is, and `GET /STORE/export?since=G` brings the generations after G as an export file, which the caller
// imports — and import verifies every byte and every root before anything is visible. Nothing the gateway
// says is believed: a wrong history only makes the import refuse; a cut or stalled body is a network error.
import { closeSync, openSync, writeSync } from 'node:fs';
import { NetworkError, NotFoundError, UsageError } from '../core/errors.js';
import { BodyReader } from './body-reader.js';

export interface GatewayGeneration {
  generation: number;
  root: string;
}

function base(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL`);
  }
  if (u.username || u.password) throw new UsageError('a remote URL must not carry credentials');
  if (u.search || u.hash) throw new UsageError(`the gateway URL '${url}' must not have a query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

async function get(url: string, accept: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: accept } });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
    throw new NetworkError(`cannot reach ${url}: ${cause}`, 'check the URL and that the gateway is running');
  }
  if (res.status === 404) throw new NotFoundError(`${url}: not found on the gateway`);
  if (res.status !== 200) throw new NetworkError(`${url}: the gateway answered ${res.status} ${res.statusText}`);
  return res;
}

/** The store IDs a gateway serves. */
export async function gatewayStores(url: string): Promise<string[]> {
  const body = (await (await get(`${base(url)}/`, 'application/json')).json()) as {
    stores?: Array<{ store_id: string }>;
  };
  return (body.stores ?? []).map((s) => s.store_id).filter((id) => /^[0-9a-f]{64}$/.test(id));
}

/** The generations the gateway says the store has (only a hint: import verifies what arrives). */
export async function gatewayHistory(url: string, storeId: string): Promise<GatewayGeneration[]> {
  const body = (await (await get(`${base(url)}/${storeId}`, 'application/json')).json()) as {
    generations?: GatewayGeneration[];
  };
  return body.generations ?? [];
}

/** Downloads the export of the generations after `since` into `file`; exactly as many bytes as announced. */
export async function downloadExport(url: string, storeId: string, since: number, file: string, idleMs = 30_000) {
  const where = `${base(url)}/${storeId}/export?since=${since}`;
  const res = await get(where, 'application/vnd.digstore.export');
  const length = Number(res.headers.get('content-length'));
  if (!Number.isSafeInteger(length) || length <= 0) throw new NetworkError(`${where}: no Content-Length`);
  const body = new BodyReader(res.body!.getReader(), idleMs, where);
  const fd = openSync(file, 'w');
  try {
    for (let left = length; left > 0; ) {
      const piece = await body.exactly(Math.min(left, 1 << 20));
      writeSync(fd, piece);
      left -= piece.length;
    }
  } finally {
    closeSync(fd);
    body.cancel();
  }
}
