// Remotes (docs/remote.md): their names and URLs in a store, what a remote holds, gc --remote, and the entry
// points for push (remote-push.ts), pull and clone (remote-pull.ts) and gateways (remote-gateway.ts).
import { isHash } from '../core/digest.js';
import { ExistsError, NotFoundError, UsageError } from '../core/errors.js';
import { checkRemoteUrl, isGateway, openRemote } from '../remote/open-remote.js';
import { gcRemote, type RemoteGcReport } from '../remote/remote-gc.js';
import type { ObjectStore } from '../remote/object-store.js';
import { gatewayStores } from '../remote/gateway-pull.js';
import { readRemotes, remotesFile, type Remotes, writeRemotes } from '../store/remotes-file.js';
import type { Store } from './store.js';
import { type RemoteOptions, settleOf } from './remote-common.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export { checkRemoteUrl, isGateway, openRemote };
export type { RemoteOptions } from './remote-common.js';
export { PART_BYTES, type PushResult, push } from './remote-push.js';
export { clone, fetchEverything, type PullIntoOptions, type PullResult, pull, pullInto } from './remote-pull.js';
export { cloneFromGateway, pullFromGateway, pullFromGatewayInto } from './remote-gateway.js';

/** The store's named remotes. */
export function listRemotes(store: Store): Remotes {
  return readRemotes(remotesFile(store.paths.archive));
}

export function addRemote(store: Store, name: string, url: string): void {
  if (!NAME.test(name)) throw new UsageError(`'${name}' is not a remote name`, 'letters, digits, . _ - (at most 64)');
  const remotes = listRemotes(store);
  if (remotes[name] !== undefined)
    throw new ExistsError(`remote '${name}' exists (${remotes[name]})`, 'remove it first');
  writeRemotes(remotesFile(store.paths.archive), { ...remotes, [name]: checkRemoteUrl(url) });
}

export function removeRemote(store: Store, name: string): void {
  const { [name]: gone, ...rest } = listRemotes(store);
  if (gone === undefined) throw new NotFoundError(`no remote '${name}'`, 'see `digstore remote list`');
  writeRemotes(remotesFile(store.paths.archive), rest);
}

/** The URL of a remote by name, or the URL given; with nothing given, the only remote (or `origin`). */
export function resolveRemote(store: Store, nameOrUrl: string | undefined): string {
  if (nameOrUrl?.includes(':')) return checkRemoteUrl(nameOrUrl);
  const remotes = listRemotes(store);
  const names = Object.keys(remotes);
  const name = nameOrUrl ?? (names.length === 1 ? names[0] : 'origin');
  if (remotes[name] === undefined)
    throw new NotFoundError(
      nameOrUrl ? `no remote '${name}'` : 'which remote?',
      names.length ? `one of: ${names.join(', ')}` : 'add one with `digstore remote add NAME URL`',
    );
  return remotes[name];
}

/** The stores a remote holds (their IDs). */
export async function remoteStores(remote: ObjectStore): Promise<string[]> {
  return (await remote.list('')).map((o) => o.key).filter(isHash);
}

/** Removes what no winning generation of the store names from the remote, past the grace period (remote-gc.ts). */
export function gcRemoteStore(
  store: Store,
  remote: ObjectStore,
  opts: RemoteOptions & { graceMs?: number; dryRun?: boolean } = {},
): Promise<RemoteGcReport> {
  return gcRemote(remote, store.storeId, { ...opts, settleMs: settleOf(remote, opts) });
}

/** The stores a remote (object store or gateway) holds. */
export async function storesAt(url: string): Promise<string[]> {
  return isGateway(url) ? gatewayStores(url) : remoteStores(openRemote(url));
}
