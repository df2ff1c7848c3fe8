// push, pull and clone through a remote (docs/remote.md). A push exports the generations the remote lacks,
// uploads the segment as content-named parts, then one gen object, and waits for it to settle to learn whether
// it won; a pull follows the winning edges from the local head and imports each segment, which verifies every
// byte before anything becomes visible. Transports: s3:// and file:/// (object stores); a gateway's http(s)://
// for pull and clone only, as one export per pull.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { isHash, toHex } from '../core/digest.js';
import { ConflictError, ExistsError, IntegrityError, NotFoundError, UsageError } from '../core/errors.js';
import {
  claimKey,
  followChain,
  type GenObject,
  readPart,
  GEN_FORMAT,
  genKey,
  nextEdge,
  partKey,
  SETTLE_MS,
} from '../remote/chain.js';
import { checkRemoteUrl, isGateway, openRemote } from '../remote/open-remote.js';
import { gcRemote, type RemoteGcReport } from '../remote/remote-gc.js';
import { type ObjectStore, PIECE_BYTES } from '../remote/object-store.js';
import { writeAllToFd } from '../store/fs-utils.js';
import { openExport, openSegment, type Segment, transferTempDir } from '../store/transfer.js';
import { checkpoint, type LongOperation, phaseReporter } from '../store/interrupt.js';
import { type SetAside, setAsideAfter } from '../store/set-aside.js';
import { downloadExport, gatewayHistory, gatewayStores } from '../remote/gateway-pull.js';
import {
  readRemoteHeads,
  readRemotes,
  remoteHeadsFile,
  remotesFile,
  type Remotes,
  writeRemoteHead,
  writeRemotes,
} from '../store/remotes-file.js';
import type { OpenOptions } from './options.js';
import { Store } from './store.js';
import { importStore, refuseDroppingStaged } from './store-create.js';
import { type FetchCounts, fetchAll, importEdgeLazily } from './lazy.js';
import { lazyFile } from '../store/lazy-file.js';
import { resolveHome, storePaths } from '../store/home.js';
import { readLink } from '../store/project.js';
import { withLock, withReader } from '../store/access.js';
import { history } from './inspect.js';

/** Parts of at most this many bytes: a few requests for a small push, multipart-sized pieces for a large one. */
export const PART_BYTES = 64 * 1024 * 1024;
/** Parts sent at once by a push (each a multipart upload of a few pieces in flight: s3-store.ts). */
const PARTS_IN_FLIGHT = 1;

export interface RemoteOptions extends LongOperation {
  /**
   * How long a gen object must be visible before it counts (docs/remote.md): 5 s on a server without exclusive
   * create; 0 where claims are exclusive (a file:/// remote), since only a claim's holder writes a gen object.
   */
  settleMs?: number;
}

// Where claims are exclusive only a claim's holder writes a gen object: nothing needs to settle.
const settleOf = (remote: ObjectStore, opts: RemoteOptions) => (remote.putIfAbsent ? 0 : (opts.settleMs ?? SETTLE_MS));

export interface PushResult {
  remote: string;
  pushed: boolean;
  fromGeneration: number;
  toGeneration: number;
  root: string;
  parts: number;
  uploadedBytes: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export { checkRemoteUrl, isGateway, openRemote };

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

function localHead(store: Store): { generation: number; root: string | null; roots: string[] } {
  const roots = store.history().map((h) => h.root);
  return { generation: roots.length, root: roots.at(-1) ?? null, roots };
}

/** Uploads the segment as parts (skipping those already there); their keys and sizes. */
async function uploadParts(remote: ObjectStore, storeId: string, seg: Segment, op: LongOperation) {
  const parts: GenObject['parts'] = [];
  const report = phaseReporter(op.onProgress, 'upload', seg.size, Math.ceil(seg.size / PART_BYTES));
  let uploaded = 0;
  let done = 0;
  let objects = 0;
  // Named by content: every part hashed first (and the whole segment, from the same reads)…
  const segment = createHash('sha256');
  for (let at = 0; at < seg.size; at += PART_BYTES) {
    const length = Math.min(PART_BYTES, seg.size - at);
    const part = createHash('sha256');
    for (let p = 0; p < length; p += PIECE_BYTES) {
      const piece = seg.read(at + p, Math.min(PIECE_BYTES, length - p));
      part.update(piece);
      segment.update(piece);
    }
    parts.push({ key: partKey(storeId, part.digest('hex')), size: length });
  }
  // …then sent, PARTS_IN_FLIGHT at a time (multipart when large), each unless the remote has it already.
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < parts.length; i = next++) {
      await checkpoint(op.signal, 'nothing was pushed (parts already sent are reused next time)');
      const { key, size: length } = parts[i];
      if (!(await remote.head(key))) {
        await remote.putFrom(key, length, (offset, n) => seg.read(i * PART_BYTES + offset, n));
        uploaded += length;
      }
      done += length;
      report(done, ++objects);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, parts.length) }, sender));
  return { parts, uploaded, sha256: segment.digest('hex') };
}

/** Waits until the server's clock is `settleMs` past the object's write. */
async function settle(remote: ObjectStore, key: string, settleMs: number): Promise<void> {
  const info = await remote.head(key);
  if (!info) throw new IntegrityError(`${remote.url} lost ${key} right after it was written`);
  for (let wait = settleMs - ((await remote.now()) - info.lastModified); wait > 0; ) {
    await sleep(Math.min(wait, 1000));
    wait = settleMs - ((await remote.now()) - info.lastModified);
  }
}

/** Pushes the generations the remote lacks; ConflictError when another push won the same base. */
export async function push(store: Store, remote: ObjectStore, opts: RemoteOptions = {}): Promise<PushResult> {
  const settleMs = settleOf(remote, opts);
  const local = localHead(store);
  if (local.root === null) throw new NotFoundError('nothing to push: the store has no commits', 'commit first');
  // The remote's history only grows: start from the head this store saw last (a HEAD and one listing when up
  // to date) — if the gen object that made it the head is still there (a remote emptied since starts over).
  const headsFile = remoteHeadsFile(store.paths.archive);
  const known = readRemoteHeads(headsFile)[remote.url];
  const trusted =
    known?.key !== undefined && local.roots[known.generation - 1] === known.root && (await remote.head(known.key));
  const start = trusted ? { generation: known.generation, root: known.root } : { generation: 0, root: null };
  const chain = await followChain(remote, store.storeId, start, settleMs);
  const base = chain.at(-1)?.head ?? start;
  const behind = [start, ...chain.map((g) => g.head)].some(
    (h) => h.generation === local.generation && h.root === local.root,
  );
  if (
    !behind &&
    (base.generation > local.generation || (base.root !== null && local.roots[base.generation - 1] !== base.root))
  )
    throw new ConflictError(`${remote.url} has generations this store does not`, 'pull first');
  const result = {
    remote: remote.url,
    fromGeneration: base.generation,
    toGeneration: local.generation,
    root: local.root,
  };
  if (base.generation >= local.generation) {
    // Up to date, or behind with nothing new (the remote is ahead: a pull catches up).
    const key = chain.length > 0 ? genKey(chain[chain.length - 1]) : known?.key;
    if (base.root !== null && key) writeRemoteHead(headsFile, remote.url, { ...base, root: base.root, key });
    return { ...result, pushed: false, parts: 0, uploadedBytes: 0 };
  }
  // The segment is read straight from the archive (verified first): no copy of it on disk.
  const seg = await openSegment(store.paths.archive, base.generation, opts, 'nothing was pushed');
  try {
    const { parts, uploaded, sha256 } = await uploadParts(remote, store.storeId, seg, opts);
    const gen: GenObject = {
      format: GEN_FORMAT,
      version: 1,
      store_id: store.storeId,
      base,
      head: { generation: local.generation, root: local.root },
      sha256,
      bytes: seg.size,
      parts,
    };
    const key = genKey(gen);
    const body = Buffer.from(`${JSON.stringify(gen)}\n`);
    // Where the server can create exclusively, the first claim of a base wins at once.
    if (remote.putIfAbsent && !(await remote.putIfAbsent(claimKey(store.storeId, base.generation), Buffer.from(key)))) {
      const claimed = (await remote.get(claimKey(store.storeId, base.generation))).toString();
      if (claimed !== key)
        throw new ConflictError(`${remote.url} moved on from generation ${base.generation}`, 'pull first');
    }
    await remote.put(key, body);
    await settle(remote, key, settleMs);
    const winner = await nextEdge(remote, store.storeId, base, settleMs);
    if (winner?.info.key !== key)
      throw new ConflictError(`${remote.url} moved on from generation ${base.generation}`, 'pull first');
    writeRemoteHead(headsFile, remote.url, { ...gen.head, key });
    return { ...result, pushed: true, parts: parts.length, uploadedBytes: uploaded };
  } finally {
    seg.close();
  }
}

export interface PullResult {
  remote: string;
  fromGeneration: number;
  toGeneration: number;
  root: string | null;
  segments: number;
  /** A lazy pull or clone: only history and layer records came (`fetched` says what that took). */
  lazy?: boolean;
  fetched?: FetchCounts;
}

/** Downloads one edge's segment, checks its parts against the gen object, and imports it (which checks the rest). */
async function importEdge(
  remote: ObjectStore,
  gen: GenObject,
  home: string | undefined,
  dir: string,
  op: LongOperation,
): Promise<void> {
  const file = join(dir, `${gen.head.generation}.dig`);
  const fd = openSync(file, 'w');
  const report = phaseReporter(op.onProgress, 'download', gen.bytes, gen.parts.length);
  let done = 0;
  let objects = 0;
  try {
    for (const p of gen.parts) {
      await checkpoint(op.signal, 'nothing was pulled');
      // Streamed to the segment file and hashed as it comes; checked against its name before import reads it.
      const hash = createHash('sha256');
      let size = 0;
      for await (const piece of readPart(remote, p.key)) {
        hash.update(piece);
        writeAllToFd(fd, piece);
        size += piece.length;
        report(done + size, objects);
      }
      if (size !== p.size || `${gen.store_id}/part/${hash.digest('hex')}` !== p.key)
        throw new IntegrityError(`${remote.url}: object ${p.key} does not match its name`);
      done += size;
      report(done, ++objects);
    }
  } finally {
    closeSync(fd);
  }
  await importStore(file, { home, signal: op.signal, onProgress: op.onProgress });
}

/**
 * Brings the store up to the remote's head, generation by generation, each verified before it is visible.
 * `from` is the store's head (nothing for a new store) and `roots` its history, to tell a remote that is behind
 * from one that went another way (ConflictError).
 */
export async function pull(
  storeId: string,
  remote: ObjectStore,
  opts: RemoteOptions &
    OpenOptions & { from?: { generation: number; root: string | null }; roots?: string[]; lazy?: boolean } = {},
): Promise<PullResult> {
  const settleMs = settleOf(remote, opts);
  const from = opts.from ?? { generation: 0, root: null };
  const chain = await followChain(remote, storeId, from, settleMs);
  if (chain.length === 0 && from.generation > 0) {
    // Nothing after our head: the remote has it, or is behind on our history, or went another way.
    const all = await followChain(remote, storeId, { generation: 0, root: null }, settleMs);
    const ours = (g: GenObject) => opts.roots?.[g.head.generation - 1] === g.head.root;
    if (!all.every(ours))
      throw new ConflictError(
        `${remote.url} has a history that does not contain this store's head`,
        'pull --set-aside',
      );
  }
  const paths = storePaths(resolveHome(opts.home), storeId);
  const lazy = opts.lazy || existsSync(lazyFile(paths.archive));
  mkdirSync(paths.home, { recursive: true });
  const dir = transferTempDir(paths.archive);
  const fetched = { requests: 0, bytes: 0 };
  try {
    for (const gen of chain) {
      if (!lazy) await importEdge(remote, gen, opts.home, dir, opts);
      else {
        const c = await withLock(paths, {}, () => {
          refuseDroppingStaged(paths, gen.head.generation);
          return importEdgeLazily(remote, gen, paths.archive);
        });
        fetched.requests += c.requests;
        fetched.bytes += c.bytes;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const to = chain.at(-1)?.head ?? from;
  return {
    remote: remote.url,
    fromGeneration: from.generation,
    toGeneration: to.generation,
    root: to.root,
    segments: chain.length,
    ...(lazy && { lazy: true, fetched }),
  };
}

export interface PullIntoOptions extends RemoteOptions, OpenOptions {
  /**
   * When the store's newest generations are not on the remote (another push won): go back to the last
   * generation the remote shares, keeping the ones given up in a side file, then pull (store/set-aside.ts).
   */
  setAside?: boolean;
}

/** Pulls into the project's store; with `setAside`, past a lost race. */
export async function pullInto(
  store: Store,
  remote: ObjectStore,
  opts: PullIntoOptions = {},
): Promise<PullResult & { setAside?: SetAside }> {
  const { roots, ...head } = localHead(store);
  const home = store.paths.home;
  try {
    return await pull(store.storeId, remote, { ...opts, home, from: head, roots });
  } catch (e) {
    if (!(e instanceof ConflictError) || !opts.setAside) throw e;
    const all = await followChain(remote, store.storeId, { generation: 0, root: null }, settleOf(remote, opts));
    let base = 0;
    for (const g of all) if (roots[g.head.generation - 1] === g.head.root) base = g.head.generation;
    const aside = await setAsideAfter(store.paths, base);
    const from = { generation: base, root: base === 0 ? null : roots[base - 1] };
    return {
      ...(await pull(store.storeId, remote, { ...opts, home, from, roots: roots.slice(0, base) })),
      setAside: aside,
    };
  }
}

/** Removes what no winning generation of the store names from the remote, past the grace period (remote-gc.ts). */
export function gcRemoteStore(
  store: Store,
  remote: ObjectStore,
  opts: RemoteOptions & { graceMs?: number; dryRun?: boolean } = {},
): Promise<RemoteGcReport> {
  return gcRemote(remote, store.storeId, { ...opts, settleMs: settleOf(remote, opts) });
}

/** Fetches every chunk a lazy clone lacks (each checked against its hash): the store becomes whole. */
export function fetchEverything(store: Store): Promise<FetchCounts> {
  return fetchAll(store.paths, openRemote);
}

/**
 * A clone links `dir`: refused before anything is downloaded when it belongs to another store; a clone of the
 * same store that was interrupted (killed, cut off) is simply run again and goes on from what it has.
 */
function refuseLinkedDir(dir: string, storeId: string): void {
  if (existsSync(join(dir, '.digstore')) && readLink(dir).store_id !== storeId)
    throw new ExistsError(`${dir} is already a digstore project`, 'clone into a new or empty directory');
}

/** Links `dir` to the cloned store, unless an interrupted clone of the same store linked it already. */
function linkClone(dir: string, storeId: string, home: string | undefined): Store {
  return existsSync(join(dir, '.digstore')) ? Store.open(dir, { home }) : Store.init(dir, { home, storeId });
}

/** A new store (under the home) from the remote's store `storeId`, linked to `dir`. */
export async function clone(
  remote: ObjectStore,
  storeId: string,
  dir: string,
  opts: RemoteOptions & OpenOptions & { lazy?: boolean } = {},
): Promise<{ store: Store; pull: PullResult }> {
  refuseLinkedDir(dir, storeId);
  // An interrupted clone goes on from the generations it already has (verified and visible).
  const paths = storePaths(resolveHome(opts.home), storeId);
  const had = existsSync(paths.archive) ? withReader(paths, (a) => history(a).map((h) => h.root)) : [];
  const from = { generation: had.length, root: had.at(-1) ?? null };
  const result = await pull(storeId, remote, { ...opts, from, roots: had });
  if (result.toGeneration === 0) throw new NotFoundError(`${remote.url} has no generations of store ${storeId}`);
  return { store: linkClone(dir, storeId, opts.home), pull: result };
}

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

/** The stores a remote (object store or gateway) holds. */
export async function storesAt(url: string): Promise<string[]> {
  return isGateway(url) ? gatewayStores(url) : remoteStores(openRemote(url));
}
