// `extract`: writes stored files under a destination directory, recreating their project-relative paths.
// Nothing is ever written outside DEST: stored paths are validated by every decoder, every directory on
// the way down is checked with lstat (a symlink or a non-directory there is refused, never followed), and
// each file is written to a temporary name and renamed into place (a rename replaces a link, it does not
// write through it). Existing files are only replaced with `force`; all of that is checked before writing.
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExistsError, UsageError, fromSystemError } from '../core/errors.js';
import { MODE_EXEC, type FileEntry } from '../core/types.js';
import type { Archive } from '../store/archive.js';
import { writeFileAtomically } from './atomic-file.js';
import { fileChunks } from './read-file.js';

export interface ExtractResult {
  dest: string;
  files: number;
  bytes: number;
}

/** Checks `dir` and each of its parents below `dest`: each must be absent or a real directory. */
function checkDirs(dest: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  let p = dest;
  for (const part of parts) {
    p = join(p, part);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return; // absent from here down: created as real directories
    }
    if (st.isSymbolicLink())
      throw new UsageError(`refusing to extract through the symbolic link ${p}`, 'remove it, or extract elsewhere');
    if (!st.isDirectory()) throw new ExistsError(`${p} exists and is not a directory`);
  }
}

function existsAt(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export async function extractFiles(
  archive: Archive,
  files: readonly FileEntry[],
  dest: string,
  force = false,
): Promise<ExtractResult> {
  const destStat = (() => {
    try {
      return lstatSync(dest);
    } catch {
      return undefined;
    }
  })();
  if (destStat && !destStat.isDirectory()) throw new UsageError(`${dest} is not a directory`);
  for (const f of files) {
    checkDirs(dest, f.path);
    const target = join(dest, f.path);
    if (!force && existsAt(target))
      throw new ExistsError(`${target} already exists`, 'use --force to replace existing files');
    if (existsAt(target) && lstatSync(target).isDirectory()) throw new ExistsError(`${target} is a directory`);
  }
  let bytes = 0;
  for (const f of files) {
    const target = join(dest, f.path);
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (e) {
      throw fromSystemError(e, `cannot create ${dirname(target)}`);
    }
    checkDirs(dest, f.path); // again, now that they exist: nothing may have been swapped for a link
    await writeFileAtomically(
      target,
      (write) => {
        for (const c of fileChunks(archive, f)) write(c);
      },
      f.mode === MODE_EXEC ? 0o755 : 0o644,
    );
    bytes += f.size;
  }
  return { dest, files: files.length, bytes };
}
