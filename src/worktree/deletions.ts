// Which tracked files `add` should stage as deleted, as git does: a named path that no longer exists
// (`add gone.txt`), and under a directory that is added (`add -r dir`, `add -A`) every tracked file that is
// gone from disk. Tracked = committed in the latest generation or staged. A tracked file that still exists
// but is now ignored stays tracked (as in git: ignore rules apply to untracked files only).
import { NotFoundError, UsageError } from '../core/errors.js';
import type { StagedRecords } from '../core/codecs/staged-records.js';
import { isStorable, lstatInProject } from '../ingest/scan.js';

export interface DeletionScope {
  /** Project-relative path; '' for the whole project. */
  rel: string;
  /** 'dir': an existing directory that was scanned; 'missing': a named path that does not exist on disk. */
  kind: 'dir' | 'missing';
  recursive: boolean;
  /** What the user typed, for messages. */
  arg: string;
}

/** Tracked paths: committed in the latest generation, or staged (and not staged as deleted). */
export function trackedPaths(head: ReadonlyMap<string, unknown>, staged: StagedRecords): Set<string> {
  const out = new Set(head.keys());
  for (let i = 0; i < staged.count; i++) if (!staged.deleted(i)) out.add(staged.paths[i]);
  return out;
}

/** Tracked paths below directory `dir` ('' is the whole project). */
function trackedBelow(tracked: ReadonlySet<string>, dir: string): string[] {
  return [...tracked].filter((p) => dir === '' || p.startsWith(`${dir}/`));
}

/** The tracked paths a named path selects: itself when it is tracked, else everything below it. */
export function trackedUnder(tracked: ReadonlySet<string>, name: string): string[] {
  return tracked.has(name) ? [name] : trackedBelow(tracked, name);
}

function goneFromDisk(projectRoot: string, rel: string): boolean {
  const st = lstatInProject(projectRoot, rel);
  return !st || !isStorable(st);
}

/**
 * The tracked paths to stage as deleted. Throws, before anything is written, for a named path that neither
 * exists nor is tracked, or names a tracked directory without -r.
 */
export function findDeletions(
  projectRoot: string,
  tracked: ReadonlySet<string>,
  scanned: ReadonlySet<string>,
  scopes: readonly DeletionScope[],
): string[] {
  const out = new Set<string>();
  for (const s of scopes) {
    if (s.kind === 'missing') {
      const selected = trackedUnder(tracked, s.rel);
      if (selected.length === 0)
        throw new NotFoundError(`'${s.arg}' does not exist and is not tracked`, 'check the path');
      if (selected[0] !== s.rel && !s.recursive)
        throw new UsageError(`'${s.arg}' is a deleted directory`, 'use -r to stage the deletion of the files in it');
      for (const p of selected) out.add(p);
      continue;
    }
    for (const p of trackedBelow(tracked, s.rel)) if (!scanned.has(p) && goneFromDisk(projectRoot, p)) out.add(p);
  }
  return [...out];
}
