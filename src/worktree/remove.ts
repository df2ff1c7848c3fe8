// `rm`: stage the deletion of tracked files and, unless --cached, remove them from the working tree — only
// when what is on disk is exactly the committed content (or -f), so `rm` never destroys unsaved work.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { equalBytes, sha256 } from '../core/digest.js';
import { osPath } from '../core/path-bytes.js';
import { NotFoundError, UsageError, fromSystemError } from '../core/errors.js';
import type { FileEntry } from '../core/types.js';
import { isStorable, linkOnTheWay, lstatInProject, modeOf, readScanned, scannedFile } from '../ingest/scan.js';
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
    const st = lstatInProject(projectRoot, p);
    if (!st) continue; // already gone (or only reachable through a symbolic link: not ours to delete)
    const h = head.get(p);
    const f = scannedFile(join(projectRoot, p), p, st);
    if (!isStorable(st) || !h || st.size !== h.size || modeOf(f) !== h.mode) {
      bad.push(p);
      continue;
    }
    if (!equalBytes(sha256(readScanned(f)), h.hash)) bad.push(p);
  }
  return bad;
}

export function unlinkWorkingFiles(projectRoot: string, paths: readonly string[]): string[] {
  const done: string[] = [];
  for (const p of paths) {
    if (linkOnTheWay(projectRoot, p) !== undefined) continue; // the file behind a linked directory is not ours
    try {
      unlinkSync(osPath(join(projectRoot, p))); // unlink never follows a symlink: a link itself is what goes
      done.push(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(e, `cannot remove ${p}`);
    }
  }
  return done;
}
