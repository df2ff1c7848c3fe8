// What push, pull and clone share: their options and settle time, the store's head, and how a clone links its
// directory (docs/remote.md).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExistsError } from '../core/errors.js';
import { SETTLE_MS } from '../remote/chain.js';
import type { ObjectStore } from '../remote/object-store.js';
import type { LongOperation } from '../store/interrupt.js';
import { Store } from './store.js';
import { readLink } from '../store/project.js';

export interface RemoteOptions extends LongOperation {
  /**
   * How long a gen object must be visible before it counts (docs/remote.md): 5 s on a server without exclusive
   * create; 0 where claims are exclusive (a file:/// remote), since only a claim's holder writes a gen object.
   */
  settleMs?: number;
}

// Where claims are exclusive only a claim's holder writes a gen object: nothing needs to settle.
export const settleOf = (remote: ObjectStore, opts: RemoteOptions) =>
  remote.putIfAbsent ? 0 : (opts.settleMs ?? SETTLE_MS);

export function localHead(store: Store): { generation: number; root: string | null; roots: string[] } {
  const roots = store.history().map((h) => h.root);
  return { generation: roots.length, root: roots.at(-1) ?? null, roots };
}

/**
 * A clone links `dir`: refused before anything is downloaded when it belongs to another store; a clone of the
 * same store that was interrupted (killed, cut off) is simply run again and goes on from what it has.
 */
export function refuseLinkedDir(dir: string, storeId: string): void {
  if (existsSync(join(dir, '.digstore')) && readLink(dir).store_id !== storeId)
    throw new ExistsError(`${dir} is already a digstore project`, 'clone into a new or empty directory');
}

/** Links `dir` to the cloned store, unless an interrupted clone of the same store linked it already. */
export function linkClone(dir: string, storeId: string, home: string | undefined): Store {
  return existsSync(join(dir, '.digstore')) ? Store.open(dir, { home }) : Store.init(dir, { home, storeId });
}
