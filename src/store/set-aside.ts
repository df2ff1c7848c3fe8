// `pull --set-aside`: a store whose newest generations lost a race to another pusher goes back to the last
// generation the remote shares, keeping the generations it gives up in a side file (`{storeId}.dig.cut-TIME`,
// never deleted), so the remote's generations can be pulled on top; the working tree still holds the changes,
// to be added and committed again. The way back is `check --repair`'s (the generation's own index record
// gives its superblock exactly); staging and caches go, as they may name the bytes set aside.
import { statSync } from 'node:fs';
import { toHex } from '../core/digest.js';
import { UsageError } from '../core/errors.js';
import { withLock } from './access.js';
import { Archive } from './archive.js';
import type { StorePaths } from './home.js';
import { applyRepair } from './repair.js';
import { findCandidates } from './repair-scan.js';

export interface SetAside {
  /** Generations given up (their roots), newest last. */
  generations: Array<{ generation: number; root: string }>;
  sideFile: string | null;
}

export function setAsideAfter(paths: StorePaths, base: number): Promise<SetAside> {
  return withLock(paths, {}, () => {
    const a = Archive.open(paths.archive);
    const given = a.layers.slice(base).map((l) => ({ generation: l.number, root: toHex(l.storeRoot) }));
    const identity = { storeId: a.sb.storeId, createdAt: a.sb.createdAt };
    const baseRoot = base === 0 ? null : toHex(a.layerEntry(base).storeRoot);
    a.close();
    if (given.length === 0) return { generations: [], sideFile: null };
    const back = findCandidates(paths.archive, identity).find((c) => c.sb.seq === base);
    if (!back)
      throw new UsageError(
        `generation ${base} can no longer be gone back to (gc rewrote the archive since)`,
        'export your work (digstore export), then clone the remote again',
      );
    const committedLength = back.sb.committedLength;
    const plan = {
      damaged: false,
      problems: [],
      recovered: { generation: base, root: baseRoot, committedLength },
      lost: given,
      cutBytes: statSync(paths.archive).size - committedLength,
    };
    return { generations: given, sideFile: applyRepair(paths, { plan, superblock: back.sb }).sideFile };
  });
}
