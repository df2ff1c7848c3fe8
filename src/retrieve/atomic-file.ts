// Writing a user's output file (get -o, extract, prove -o) so that it is never seen half-written: the
// store's AtomicFile (temporary file, fsync, rename), fed chunk by chunk, with errors that name the file.
// The directory entry is not fsynced per file: extract writes thousands of them.
import { statSync } from 'node:fs';
import { UsageError, fromSystemError } from '../core/errors.js';
import { AtomicFile } from '../store/fs-utils.js';

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
  let f: AtomicFile;
  try {
    f = new AtomicFile(target, mode);
  } catch (e) {
    throw fromSystemError(e, `cannot write ${target}`);
  }
  try {
    await fill((c) => f.write(c));
    f.commit(false);
  } catch (e) {
    f.abort();
    throw fromSystemError(e, `cannot write ${target}`);
  }
}
