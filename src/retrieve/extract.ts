// `extract`: writes stored files under a destination directory, recreating their project-relative paths.
// Nothing is ever written outside DEST: stored paths are validated by every decoder, every directory on
// the way down is checked with lstat (a symlink or a non-directory there is refused, never followed), and
// each file is written to a short temporary name and renamed into place (a rename replaces a link, it does not
// write through it; a short name never passes the file system's name limit, whatever the stored name's length).
// Symbolic links are recreated as links. Existing files are only replaced with `force`, checked before writing.
// A file that cannot be written is reported and the rest go on (exit 3; 5 when stored data failed to verify);
// durability comes in batches (durable-batch.ts), not one fsync per file.
import { closeSync, lstatSync, mkdirSync, openSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExistsError, UsageError } from '../core/errors.js';
import { osPath } from '../core/path-bytes.js';
import { MODE_EXEC, MODE_LINK, type FileEntry } from '../core/types.js';
import type { Archive } from '../store/archive.js';
import { DurableBatch } from './durable-batch.js';
import { fileChunks } from './read-file.js';

export interface ExtractResult {
  dest: string;
  files: number;
  bytes: number;
  /** Files that could not be written, with why; `integrity` when stored data did not verify. */
  failed: Array<{ path: string; reason: string; integrity: boolean }>;
}

const lstatOrUndefined = (p: string) => {
  try {
    return lstatSync(osPath(p));
  } catch {
    return undefined;
  }
};

/** Checks each parent of `rel` below `dest`: each must be absent or a real directory. */
function checkDirs(dest: string, rel: string): void {
  let p = dest;
  for (const part of rel.split('/').slice(0, -1)) {
    p = join(p, part);
    const st = lstatOrUndefined(p);
    if (!st) return; // absent from here down: created as real directories
    if (st.isSymbolicLink())
      throw new UsageError(`refusing to extract through the symbolic link ${p}`, 'remove it, or extract elsewhere');
    if (!st.isDirectory()) throw new ExistsError(`${p} exists and is not a directory`);
  }
}

/** Everything that would stop the extract, found before anything is written. */
function preflight(files: readonly FileEntry[], dest: string, force: boolean): void {
  const destStat = lstatOrUndefined(dest);
  if (destStat && !destStat.isDirectory()) throw new UsageError(`${dest} is not a directory`);
  for (const f of files) {
    checkDirs(dest, f.path);
    const target = join(dest, f.path);
    const st = lstatOrUndefined(target);
    if (st && !force) throw new ExistsError(`${target} already exists`, 'use --force to replace existing files');
    if (st?.isDirectory()) throw new ExistsError(`${target} is a directory`);
  }
}

let counter = 0;
/** A temporary name beside the target, short whatever the target's length (names are limited to 255 bytes). */
const tempBeside = (target: string) => join(dirname(target), `.dig-${process.pid}-${(counter++).toString(36)}.tmp`);

/** Writes one entry to a temporary name (a file with its content and mode, or a link); returns that name. */
function writeTemp(archive: Archive, f: FileEntry, target: string): string {
  mkdirSync(osPath(dirname(target)), { recursive: true });
  const tmp = tempBeside(target);
  if (f.mode === MODE_LINK) {
    symlinkSync(Buffer.concat([...fileChunks(archive, f)]), osPath(tmp)); // the stored target, verified, never followed
    return tmp;
  }
  const fd = openSync(osPath(tmp), 'wx', f.mode === MODE_EXEC ? 0o755 : 0o644);
  try {
    for (const c of fileChunks(archive, f)) for (let done = 0; done < c.length; ) done += writeSync(fd, c, done);
  } catch (e) {
    closeSync(fd);
    throw Object.assign(e as object, { tmp });
  }
  closeSync(fd);
  return tmp;
}

export async function extractFiles(
  archive: Archive,
  files: readonly FileEntry[],
  dest: string,
  force = false,
): Promise<ExtractResult> {
  preflight(files, dest, force);
  const result: ExtractResult = { dest, files: 0, bytes: 0, failed: [] };
  const fail = (f: FileEntry, e: unknown) => {
    const err = e as NodeJS.ErrnoException & { code?: string };
    const integrity = err.code === 'CORRUPT' || err.code === 'INTEGRITY';
    result.failed.push({ path: f.path, reason: err.code && !integrity ? err.code : err.message, integrity });
  };
  const batch = new DurableBatch(dest);
  for (const f of files) {
    const target = join(dest, f.path);
    let tmp: string;
    try {
      checkDirs(dest, f.path); // again, as the tree grows: nothing may have been swapped for a link
      tmp = writeTemp(archive, f, target);
    } catch (e) {
      const left = (e as { tmp?: string }).tmp;
      if (left) rmSync(osPath(left), { force: true });
      fail(f, e);
      continue;
    }
    batch.add(osPath(tmp), osPath(target), f.size, f.mode === MODE_LINK, (e) => {
      if (e) fail(f, e);
      else {
        result.files++;
        result.bytes += f.size;
      }
    });
  }
  batch.finish();
  return result;
}
