// Writing a file that is never seen half-written: the content goes to a temporary name beside the target,
// is fsynced, and is renamed into place in one step. A rename replaces a symlink at the target instead of
// writing through it. On any failure the temporary file is removed and the target is untouched.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError, fromSystemError } from '../core/errors.js';

/** Calls `fill` with a function that appends bytes, then publishes the file at `target`. */
export async function writeFileAtomically(
  target: string,
  fill: (write: (chunk: Uint8Array) => void) => void | Promise<void>,
  mode = 0o644,
): Promise<void> {
  try {
    if (statSync(target).isDirectory()) throw new UsageError(`${target} is a directory`, 'give a file name');
  } catch (e) {
    if (e instanceof UsageError) throw e; // absent (or unreadable): found out when writing
  }
  const tmp = join(dirname(target), `.${basename(target)}.digstore-${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    throw fromSystemError(e, `cannot write ${target}`);
  }
  let open = true;
  try {
    await fill((c) => {
      for (let done = 0; done < c.length; ) done += writeSync(fd, c, done);
    });
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(tmp, target);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw fromSystemError(e, `cannot write ${target}`);
  }
}
