// pull and clone from a `digstore serve` gateway (docs/remote.md): the generations after the local head as one
// export, verified in full by import; a gateway's own history is a hint only.
import { closeSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../core/digest.js';
import { ConflictError, IntegrityError, NotFoundError } from '../core/errors.js';
import { openExport, transferTempDir } from '../store/transfer.js';
import { downloadExport, gatewayHistory } from '../remote/gateway-pull.js';
import type { OpenOptions } from './options.js';
import type { Store } from './store.js';
import { importStore } from './store-create.js';
import { resolveHome, storePaths } from '../store/home.js';
import { linkClone, localHead, refuseLinkedDir } from './remote-common.js';
import type { PullResult } from './remote-pull.js';

/** Pulls from a gateway: the generations after the local head, as one export, verified in full by import. */
export async function pullFromGateway(
  storeId: string,
  url: string,
  opts: OpenOptions & { from?: { generation: number; root: string | null }; root?: string } = {},
): Promise<PullResult> {
  const from = opts.from ?? { generation: 0, root: null };
  const history = await gatewayHistory(url, storeId);
  const head = history.at(-1);
  const result = { remote: url, fromGeneration: from.generation };
  if (head && from.root !== null && history[from.generation - 1]?.root !== from.root)
    throw new ConflictError(`${url} has a history that does not contain this store's head`, 'the histories diverged');
  if (!head || head.generation <= from.generation)
    return { ...result, toGeneration: from.generation, root: from.root, segments: 0 };
  const paths = storePaths(resolveHome(opts.home), storeId);
  mkdirSync(paths.home, { recursive: true });
  const dir = transferTempDir(paths.archive);
  try {
    const file = join(dir, 'export.dig');
    await downloadExport(url, storeId, from.generation, file);
    if (opts.root !== undefined) {
      const { header, fd } = openExport(file); // checks the header and the content checksum
      closeSync(fd);
      if (toHex(header.finalRoot) !== opts.root)
        throw new IntegrityError(`${url} brings root ${toHex(header.finalRoot)}, not the ${opts.root} you trust`);
    }
    const r = await importStore(file, { home: opts.home });
    if (r.storeId !== storeId) throw new IntegrityError(`${url} sent store ${r.storeId}, not ${storeId}`);
    return { ...result, toGeneration: r.generation, root: r.root, segments: 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pulls from a gateway into the project's store, from its head. */
export function pullFromGatewayInto(store: Store, url: string, opts: { root?: string } = {}): Promise<PullResult> {
  const { generation, root } = localHead(store);
  return pullFromGateway(store.storeId, url, { home: store.paths.home, from: { generation, root }, root: opts.root });
}

/** A new store from a gateway's store, linked to `dir`. */
export async function cloneFromGateway(
  url: string,
  storeId: string,
  dir: string,
  opts: OpenOptions & { root?: string } = {},
): Promise<{ store: Store; pull: PullResult }> {
  refuseLinkedDir(dir, storeId);
  const result = await pullFromGateway(storeId, url, opts);
  if (result.segments === 0) throw new NotFoundError(`${url} has no generations of store ${storeId}`);
  return { store: linkClone(dir, storeId, opts.home), pull: result };
}
