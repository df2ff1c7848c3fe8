// `gc --remote` (docs/remote.md): removes what no winning generation names — losers' gen objects, parts only
// they named, parts of pushes that never wrote their gen object, claims — but only objects the server's clock
// says are older than a grace period (24 h by default). A push in progress writes its parts first and its gen
// object last, each within minutes, so nothing it still needs is ever that old; winners and every part a
// winner names are never removed, whatever their age.
import { followChain, genKey } from './chain.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** The kinds of objects a store has on a remote (chain.ts), each under `{storeId}/{kind}/`. */
const KINDS = ['gen', 'part', 'claim'];

/** How old an object no winner names must be (by the server's clock) before gc --remote removes it. */
export const REMOTE_GC_GRACE_MS = 24 * 60 * 60 * 1000;

export interface RemoteGcOptions {
  /** Default REMOTE_GC_GRACE_MS. */
  graceMs?: number;
  dryRun?: boolean;
  /** Settle time for reading the winner chain (see chain.ts). */
  settleMs: number;
}

export interface RemoteGcReport {
  storeId: string;
  /** Winning generation objects and the parts they name: kept. */
  keptObjects: number;
  keptBytes: number;
  /** Removed (or, with dryRun, removable) objects and their bytes. */
  removedObjects: number;
  removedBytes: number;
  /** Unnamed objects younger than the grace period: left for a later gc. */
  youngObjects: number;
  removed: string[];
  dryRun: boolean;
}

export async function gcRemote(remote: ObjectStore, storeId: string, opts: RemoteGcOptions): Promise<RemoteGcReport> {
  const grace = opts.graceMs ?? REMOTE_GC_GRACE_MS;
  const chain = await followChain(remote, storeId, { generation: 0, root: null }, opts.settleMs);
  const named = new Set<string>();
  for (const g of chain) {
    named.add(genKey(g));
    for (const p of g.parts) named.add(p.key);
  }
  const all: ObjectInfo[] = [];
  for (const kind of KINDS) all.push(...(await remote.list(`${storeId}/${kind}/`)));
  const now = await remote.now();
  const report: RemoteGcReport = {
    storeId,
    keptObjects: 0,
    keptBytes: 0,
    removedObjects: 0,
    removedBytes: 0,
    youngObjects: 0,
    removed: [],
    dryRun: Boolean(opts.dryRun),
  };
  // What no winner names, objects and unfinished writes alike, goes once past the grace period.
  const unnamed: Unnamed[] = [];
  for (const o of all) {
    if (named.has(o.key)) {
      report.keptObjects++;
      report.keptBytes += o.size;
    } else unnamed.push({ ...o, label: o.key, remove: () => remote.delete(o.key) });
  }
  unnamed.push(...(await leftovers(remote, storeId)));
  for (const u of unnamed) {
    if (now - u.lastModified < grace) report.youngObjects++;
    else {
      if (!opts.dryRun) await u.remove();
      report.removed.push(u.label);
      report.removedObjects++;
      report.removedBytes += u.size;
    }
  }
  return report;
}

/** An object or unfinished write no winner names: how it is reported, and how it is removed. */
interface Unnamed {
  label: string;
  size: number;
  lastModified: number;
  remove: () => Promise<void>;
}

/**
 * Unfinished writes of killed pushes (a file remote's temporary files, open S3 multipart uploads): no winner can
 * name them, and nothing else would ever remove them.
 */
async function leftovers(remote: ObjectStore, storeId: string): Promise<Unnamed[]> {
  const { leftovers: list, dropLeftover: drop } = remote;
  if (!list || !drop) return [];
  const out: Unnamed[] = [];
  for (const kind of KINDS)
    for (const l of await list.call(remote, `${storeId}/${kind}/`))
      out.push({ ...l, label: `${l.key} (unfinished write)`, remove: () => drop.call(remote, l) });
  return out;
}
