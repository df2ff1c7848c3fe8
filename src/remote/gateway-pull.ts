// Pull and clone from a `digstore serve` gateway (`http(s)://HOST[/prefix]`): the gateway's history says where
// it is, and `GET /STORE/export?since=G` brings the generations after G as an export file, which the caller
// imports — and import verifies every byte and every root before anything is visible. Nothing the gateway
// says is believed: a wrong history only makes the import refuse; a cut or stalled body is a network error.
import { closeSync, openSync, writeSync } from 'node:fs';
import { isHash } from '../core/digest.js';
import { NetworkError, NotFoundError } from '../core/errors.js';
import { BodyReader } from './body-reader.js';
import { gatewayBase as base, gatewayGet } from './gateway-http.js';

export interface GatewayGeneration {
  generation: number;
  root: string;
}

/** A 200 response from the gateway (typed errors otherwise, gateway-http.ts). */
const get = (url: string, accept: string) =>
  gatewayGet(url, { accept, notFound: new NotFoundError(`${url}: not found on the gateway`) });

/** The store IDs a gateway serves. */
export async function gatewayStores(url: string): Promise<string[]> {
  const body = (await (await get(`${base(url)}/`, 'application/json')).json()) as {
    stores?: Array<{ store_id: string }>;
  };
  return (body.stores ?? []).map((s) => s.store_id).filter(isHash);
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
