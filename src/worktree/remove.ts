// `rm`: stage the deletion of tracked files and, unless --cached, remove them from the working tree — only
// when what is on disk is exactly the committed content (or -f), so `rm` never destroys unsaved work.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../core/digest.js';
import { NotFoundError, UsageError, fromSystemError } from '../core/errors.js';
import type { FileEntry } from '../core/types.js';
import { trackedUnder } from './deletions.js';

export interface RmOptions {
  /** Remove every tracked file under a named directory. */
  recursive?: boolean;
  /** Only stage the deletion; leave the working file alone. */
  cached?: boolean;
  /** Delete working files even when they differ from the committed version. */
  force?: boolean;
  lockWaitMs?: number;
}

export interface RmResult {
  /** Paths staged as deleted. */
  removed: string[];
  /** Of those, the working files that were deleted from disk. */
  unlinked: string[];
}

/** Tracked paths the user's (project-relative, normalized) names select. Throws for a name matching none. */
export function selectTracked(names: readonly string[], tracked: ReadonlySet<string>, recursive: boolean): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const selected = trackedUnder(tracked, n);
    if (selected.length === 0)
      throw new NotFoundError(`'${n || '.'}' did not match any tracked file`, 'see `digstore status`');
    if (selected[0] !== n && !recursive)
      throw new UsageError(`'${n || '.'}' is a directory`, 'use -r to remove the tracked files in it');
    for (const p of selected) out.add(p);
  }
  return [...out];
}

/** Working files that would lose content not in the latest generation (unless forced). */
export function unsafeToDelete(
  projectRoot: string,
  paths: readonly string[],
  head: ReadonlyMap<string, FileEntry>,
): string[] {
  const bad: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = lstatSync(join(projectRoot, p));
    } catch {
      continue; // already gone
    }
    const h = head.get(p);
    if (!st.isFile() || !h || st.size !== h.size) {
      bad.push(p);
      continue;
    }
    const digest = createHash('sha256')
      .update(readFileSync(join(projectRoot, p)))
      .digest();
    if (toHex(digest) !== toHex(h.hash)) bad.push(p);
  }
  return bad;
}

export function unlinkWorkingFiles(projectRoot: string, paths: readonly string[]): string[] {
  const done: string[] = [];
  for (const p of paths) {
    try {
      unlinkSync(join(projectRoot, p)); // unlink never follows a symlink: a link itself is what goes
      done.push(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(e, `cannot remove ${p}`);
    }
  }
  return done;
}
