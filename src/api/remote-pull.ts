// pull and clone from an object store (docs/remote.md): follow the winning edges from the local head and import
// each segment, which verifies every byte before anything becomes visible; lazily, only history and layer
// records (api/lazy.ts). pull --set-aside continues after a lost race.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, IntegrityError, NotFoundError } from '../core/errors.js';
import { followChain, type GenObject, readPart } from '../remote/chain.js';
import { openRemote } from '../remote/open-remote.js';
import type { ObjectStore } from '../remote/object-store.js';
import { writeAllToFd } from '../store/fs-utils.js';
import { transferTempDir } from '../store/transfer.js';
import { checkpoint, type LongOperation, phaseReporter } from '../store/interrupt.js';
import { type SetAside, setAsideAfter } from '../store/set-aside.js';
import type { OpenOptions } from './options.js';
import type { Store } from './store.js';
import { importStore, refuseDroppingStaged } from './store-create.js';
import { type FetchCounts, fetchAll, importEdgeLazily } from './lazy.js';
import { lazyFile } from '../store/lazy-file.js';
import { resolveHome, storePaths } from '../store/home.js';
import { withLock, withReader } from '../store/access.js';
import { history } from './inspect.js';
import { linkClone, localHead, refuseLinkedDir, type RemoteOptions, settleOf } from './remote-common.js';

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

/** Fetches every chunk a lazy clone lacks (each checked against its hash): the store becomes whole. */
export function fetchEverything(store: Store): Promise<FetchCounts> {
  return fetchAll(store.paths, openRemote);
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
