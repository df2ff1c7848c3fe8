// The one way into a store: readers open the archive and always close it; writers also hold the store's
// write lock for the whole operation and always release it, whatever `fn` throws. Every api entry point that
// reads or writes goes through these, so "lock, open, try/finally" exists once.
import { Archive } from './archive.js';
import type { StorePaths } from './home.js';
import { clipLazyState } from './lazy-file.js';
import { acquireLock, LOCK_WAIT_MS } from './lock.js';

export interface WriterOptions {
  /** Milliseconds to wait for another writer to finish (default LOCK_WAIT_MS). */
  wait?: number;
}

/** Runs `fn` on the archive opened for reading; closed afterwards (when its promise settles, if it returns one). */
export function withReader<T>(paths: Pick<StorePaths, 'archive'>, fn: (archive: Archive) => T): T {
  const archive = Archive.open(paths.archive);
  let result: T;
  try {
    result = fn(archive);
  } catch (e) {
    archive.close();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => archive.close()) as T;
  archive.close();
  return result;
}

/** Opens and closes the archive: fails now, with a clear typed error, if the store is missing or unreadable. */
export function assertOpens(paths: Pick<StorePaths, 'archive'>): void {
  Archive.open(paths.archive).close();
}

/** Runs `fn` holding the write lock (for operations that open and publish the archive themselves). */
export async function withLock<T>(
  paths: Pick<StorePaths, 'lock'>,
  opts: WriterOptions,
  fn: () => T | Promise<T>,
): Promise<T> {
  const lock = await acquireLock(paths.lock, opts.wait ?? LOCK_WAIT_MS);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** Runs `fn` holding the write lock with the archive open; closed, then unlocked, afterwards. */
export function withWriter<T>(
  paths: Pick<StorePaths, 'lock' | 'archive'>,
  opts: WriterOptions,
  fn: (archive: Archive) => T | Promise<T>,
): Promise<T> {
  return withLock(paths, opts, async () => {
    const archive = Archive.open(paths.archive);
    try {
      // Staged data is appended at the open generation's end: over a newer one a damaged slot may still name.
      archive.assertOtherSlotSound();
      archive.missing = clipLazyState(paths.archive, archive.sb.committedLength, archive.missing);
      return await fn(archive);
    } finally {
      archive.close();
    }
  });
}
