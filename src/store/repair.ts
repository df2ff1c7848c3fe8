// `check --repair`: when the archive is truncated, a superblock slot is damaged or the newest generation's
// bytes no longer verify, go back to the newest generation whose bytes are ALL intact (every checksum, root and
// chunk re-verified), never further. Planning changes nothing; applying it (under the writer lock) first
// copies every byte it will cut to a side file, then writes the recovered superblock into both slots (from
// then on the store opens there), then truncates. The staging area and caches, which may name cut bytes, go.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { encodeSuperblock, type Superblock } from '../core/codecs/superblock-codec.js';
import { toHex } from '../core/digest.js';
import { checkArchive } from './check.js';
import { AtomicFile, readRange, writeAll } from './fs-utils.js';
import type { StorePaths } from './home.js';
import type { LongOperation } from './interrupt.js';
import { Archive, readSlots } from './archive.js';
import { findCandidates } from './repair-scan.js';

export interface RepairPlan {
  /** False when the store checks clean: nothing to do. */
  damaged: boolean;
  /** What is wrong, as `check` words it. */
  problems: string[];
  /** The generation the store comes back at, and its root. */
  recovered: { generation: number; root: string | null; committedLength: number };
  /** Generations after it that are lost (roots where an index still names them). */
  lost: Array<{ generation: number; root: string | null }>;
  /** Bytes after the recovered generation: written to a side file, then cut. */
  cutBytes: number;
}

export interface PlannedRepair {
  plan: RepairPlan;
  /** The superblock the store comes back at. */
  superblock: Superblock;
}

const rootOf = (seq: number, entries: ReadonlyArray<{ number: number; storeRoot: Uint8Array }>) => {
  const e = entries.find((x) => x.number === seq);
  return e ? toHex(e.storeRoot) : null;
};

/** The plan for a store that checks clean: it stays where it is. */
function nothingToRepair(path: string): PlannedRepair {
  const a = Archive.open(path);
  try {
    const root = a.seq > 0 ? toHex(a.layerEntry(a.seq).storeRoot) : null;
    return {
      plan: {
        damaged: false,
        problems: [],
        recovered: { generation: a.seq, root, committedLength: a.sb.committedLength },
        lost: [],
        cutBytes: 0,
      },
      superblock: a.sb,
    };
  } finally {
    a.close();
  }
}

/**
 * The newest generation whose bytes all verify (deep). Never one newer than a superblock committed: valid slots
 * bound it (an index in a dead tail, from a commit killed before its superblock, is not a generation); when a
 * slot is damaged it may have held the newest generation, so then the newest intact index is taken.
 */
export async function planRepair(paths: Pick<StorePaths, 'archive'>, op: LongOperation = {}): Promise<PlannedRepair> {
  const now = await checkArchive(paths.archive, { deep: true, ...op });
  if (now.ok) return nothingToRepair(paths.archive); // no need to scan the whole file for index records
  const fd = openSync(paths.archive, 'r');
  const size = fstatSync(fd).size;
  const slots = readSlots(fd);
  closeSync(fd);
  const valid = slots.filter((s): s is Superblock => typeof s !== 'string');
  const idHex = basename(paths.archive).replace(/\.dig$/, '');
  const identity = valid[0] ?? { storeId: Buffer.from(idHex, 'hex'), createdAt: 0 };
  // A damaged slot may have held the newest generation (a torn superblock write): then no slot bounds it.
  const slotDamaged = slots.some((s) => typeof s === 'string' && s !== 'empty');
  const bound = valid.length > 0 && !slotDamaged ? Math.max(...valid.map((s) => s.seq)) : Number.POSITIVE_INFINITY;
  const candidates = findCandidates(paths.archive, identity).filter((c) => c.sb.seq <= bound);
  const newest = candidates[0];
  const problems = now.problems.map((p) => (p.layer === 0 ? p.message : `layer ${p.layer}: ${p.message}`));
  for (const c of candidates) {
    if (!(await checkArchive(paths.archive, { deep: true, ...op }, c.sb)).ok) continue;
    const lost = [];
    const claimed = Number.isFinite(bound) ? bound : newest.sb.seq; // what a superblock said was committed
    for (let g = c.sb.seq + 1; g <= claimed; g++) lost.push({ generation: g, root: rootOf(g, newest.record.entries) });
    return {
      plan: {
        damaged: true,
        problems,
        recovered: {
          generation: c.sb.seq,
          root: rootOf(c.sb.seq, c.record.entries),
          committedLength: c.sb.committedLength,
        },
        lost,
        cutBytes: size - c.sb.committedLength,
      },
      superblock: c.sb,
    };
  }
  throw new Error('no generation to come back to'); // unreachable: generation 0 has nothing to verify
}

/** Carries out a plan made under the same lock. Returns the side file holding the cut bytes, if any. */
export function applyRepair(
  paths: Pick<StorePaths, 'archive' | 'staging' | 'chunkIndex' | 'statCache'>,
  { plan, superblock: sb }: PlannedRepair,
): { sideFile: string | null } {
  const fd = openSync(paths.archive, 'r+');
  let sideFile: string | null = null;
  try {
    if (plan.cutBytes > 0) {
      sideFile = `${paths.archive}.cut-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const side = new AtomicFile(sideFile);
      try {
        readRange(fd, sb.committedLength, plan.cutBytes, (b) => side.write(b));
        side.commit(true);
      } catch (e) {
        side.abort();
        throw e;
      }
    }
    const slot = encodeSuperblock(sb);
    writeAll(fd, Buffer.concat([slot, slot]), 0); // both slots: the damaged one is healed too
    fsyncSync(fd);
    ftruncateSync(fd, sb.committedLength);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  for (const f of [paths.staging, paths.chunkIndex, paths.statCache]) rmSync(f, { force: true });
  return { sideFile };
}
