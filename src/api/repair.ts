// The public face of `check --repair` (store/repair.ts): plan under the writer lock, ask, then apply. Works on
// a store that no longer opens (that is what it is for), so it finds the archive from the project link alone.
import { applyRepair, planRepair, type RepairPlan } from '../store/repair.js';
import { withLock } from '../store/access.js';
import { resolveHome, storePaths } from '../store/home.js';
import type { WorkProgress } from '../store/interrupt.js';
import { findProjectRoot, readLink } from '../store/project.js';

export type { RepairPlan } from '../store/repair.js';

export interface RepairOptions {
  /** Store home; default `$DIGSTORE_HOME` or ~/.dig. */
  home?: string;
  /** Apply without asking. */
  yes?: boolean;
  /** Asked with the plan when the store is damaged (and `yes` is not set); true applies it. */
  confirm?: (plan: RepairPlan) => boolean | Promise<boolean>;
  lockWaitMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: WorkProgress) => void;
}

export interface RepairResult extends RepairPlan {
  /** Whether the archive was changed. */
  repaired: boolean;
  /** Where the bytes that were cut went (null when nothing was cut). */
  sideFile: string | null;
}

/**
 * Brings the store of the project containing `dir` back to its newest intact generation, after saying what
 * would be lost (`confirm`) — or reports that nothing needs repair.
 * @example await repairStore(dir, { confirm: (plan) => plan.lost.length === 0 })
 */
export async function repairStore(dir: string, opts: RepairOptions = {}): Promise<RepairResult> {
  const paths = storePaths(resolveHome(opts.home), readLink(findProjectRoot(dir)).store_id);
  return withLock(paths, { wait: opts.lockWaitMs }, async () => {
    const planned = await planRepair(paths, { signal: opts.signal, onProgress: opts.onProgress });
    const { plan } = planned;
    if (!plan.damaged || !(opts.yes || (await opts.confirm?.(plan))))
      return { ...plan, repaired: false, sideFile: null };
    return { ...plan, repaired: true, ...applyRepair(paths, planned) };
  });
}
