// Reading stage: small and medium files are read whole, back to back, into one slab per batch, by the worker
// that chunks them (sync reads: one syscall each, no promise); large files are read block by block on the
// main thread, which shares each block with two workers.
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { osPath } from '../core/path-bytes.js';
import { STAT_FIELDS } from './deferred-stat.js';

/** A file's size in a batch job when the scan did not stat it: the reader fstat-s it (deferred-stat.ts). */
export const READ_UNKNOWN = -1;
/** A file of unknown size found too large for the batch: not read, its stat returned, the caller re-queues it. */
export const READ_DEFERRED = -2;

// Never follow a link swapped in since the scan, never block on a FIFO swapped in (Windows has neither flag).
const OPEN_UNSTATTED = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** What a read of a batch of files produced: per file its bytes read (or a failure), back to back in a slab. */
export interface BatchRead {
  /**
   * Bytes read per file; -1 for a file that could not be read (a file may shrink between scan and read);
   * READ_DEFERRED for an unstatted file larger than `maxSize` or the slab's room.
   */
  sizes: Int32Array;
  /** For files given as READ_UNKNOWN: their fstat (STAT_FIELDS per file; zeros for the others). */
  stats?: Float64Array;
  /** Per file, the reason it could not be read ('' when it was). */
  errors: string[];
  /** Total bytes placed in the slab. */
  used: number;
}

export function readInto(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Reads each file (up to its scanned size) into `slab`, back to back. Runs in a worker thread: the open/read/
 * close syscalls of thousands of small files are spread over the workers instead of queueing on the single
 * writer (they were a third of a 20k-file add on the main thread).
 */
export function readFilesInto(
  paths: readonly string[],
  sizes: ArrayLike<number>,
  slab: Uint8Array,
  links?: Uint8Array,
  maxSize = Number.POSITIVE_INFINITY,
): BatchRead {
  const out = new Int32Array(paths.length);
  const errors: string[] = new Array(paths.length).fill('');
  let stats: Float64Array | undefined;
  let off = 0;
  for (let i = 0; i < paths.length; i++) {
    if (links?.[i]) {
      off += readLinkInto(paths[i], Math.min(sizes[i], slab.length - off), slab, off, out, errors, i);
      continue;
    }
    const unstatted = sizes[i] === READ_UNKNOWN;
    let fd: number;
    try {
      fd = openSync(osPath(paths[i]), unstatted ? OPEN_UNSTATTED : 'r');
    } catch (e) {
      out[i] = -1;
      errors[i] = unstatted && (e as NodeJS.ErrnoException).code === 'ELOOP' ? SWAPPED_FOR_LINK : reason(e);
      continue;
    }
    try {
      let want = sizes[i];
      if (unstatted) {
        stats ??= new Float64Array(paths.length * STAT_FIELDS);
        want = statInto(fd, stats, i);
        if (want > maxSize || want > slab.length - off) {
          out[i] = READ_DEFERRED;
          continue;
        }
      }
      const n = readInto(fd, slab, off, Math.min(want, slab.length - off), 0);
      out[i] = n;
      off += n;
    } catch (e) {
      out[i] = -1;
      errors[i] = reason(e);
    } finally {
      closeSync(fd);
    }
  }
  return { sizes: out, errors, used: off, stats };
}

const SWAPPED_FOR_LINK = 'became a symbolic link while being added; run add again';

/** Why a file could not be read: the system's code (ENOENT, EACCES…), or our own message for a change. */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ECHANGED' ? err.message : (err.code ?? err.message);
}

/** fstat of an opened file into record `i`; returns its size. Throws ECHANGED if it is not a regular file. */
function statInto(fd: number, stats: Float64Array, i: number): number {
  const st = fstatSync(fd);
  if (!st.isFile()) throw Object.assign(new Error('no longer a regular file; run add again'), { code: 'ECHANGED' });
  const at = i * STAT_FIELDS;
  stats[at] = st.size;
  stats[at + 1] = st.mode;
  stats[at + 2] = st.mtimeMs;
  stats[at + 3] = st.ctimeMs;
  stats[at + 4] = st.ino;
  return st.size;
}

/** A symbolic link's target (never followed) into the slab; returns the bytes placed. */
function readLinkInto(
  path: string,
  room: number,
  slab: Uint8Array,
  off: number,
  out: Int32Array,
  errors: string[],
  i: number,
): number {
  try {
    const target = readlinkSync(osPath(path), { encoding: 'buffer' });
    if (target.length > room) throw Object.assign(new Error('link changed while being read'), { code: 'ECHANGED' });
    slab.set(target, off);
    out[i] = target.length;
    return target.length;
  } catch (e) {
    out[i] = -1;
    errors[i] = reason(e);
    return 0;
  }
}
