// Small file-system helpers with the durability rules the store depends on.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';
import { osPath } from '../core/path-bytes.js';

const BLOCK = 4 << 20;

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems do not allow fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A file that readers see either as it was or complete, never half-written: bytes go to a temporary file
 * beside the target, which `commit` fsyncs and renames into place (a rename replaces a symlink at the target
 * instead of writing through it). `abort` removes the temporary file and leaves the target untouched.
 */
export class AtomicFile {
  readonly tmp: string;
  private fd: number | undefined;

  constructor(
    readonly target: string,
    mode = 0o644,
  ) {
    this.tmp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.fd = openSync(this.tmp, 'wx', mode);
  }

  /** Appends `data`. */
  write(data: Uint8Array): void {
    for (let done = 0; done < data.length; ) done += writeSync(this.fd!, data, done, data.length - done);
  }

  /** Publishes the file; with `syncDir`, the directory entry is made durable too. */
  commit(syncDir: boolean): void {
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = undefined;
    renameSync(this.tmp, this.target);
    if (syncDir) fsyncDir(dirname(this.target));
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }
}

/** Writes a whole file so that readers see either the old or the new content, never a mix. */
export function writeFileAtomic(path: string, data: Uint8Array | Iterable<Uint8Array>): void {
  const f = new AtomicFile(path);
  try {
    // A file made as a sequence of parts (core/codecs/staging-codec.ts) is written part by part.
    for (const part of data instanceof Uint8Array ? [data] : data) f.write(part);
    f.commit(true);
  } catch (e) {
    f.abort();
    throw e;
  }
}

export function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

/** Reads exactly `length` bytes at `position`, or fewer only at end of file. */
export function readAt(fd: number, position: number, length: number): Buffer {
  return readInto(fd, Buffer.allocUnsafe(length), position, length);
}

/** Reads `length` bytes at `position` block by block, handing each block to `each` (valid until it returns). */
export function readRange(fd: number, position: number, length: number, each: (block: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(Math.min(BLOCK, Math.max(1, length)));
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, length - done), position + done);
    if (n === 0) throw new CorruptDataError(`unexpected end of file at offset ${position + done}`);
    each(buf.subarray(0, n));
    done += n;
  }
}

/** SHA-256 of `length` bytes at `position`, read block by block (a 5 GiB file is never held in memory). */
export function hashRange(fd: number, position: number, length: number): Buffer {
  const h = createHash('sha256');
  readRange(fd, position, length, (b) => h.update(b));
  return h.digest();
}

/** Copies `length` bytes from `src` at `from` to `dst` at `to`, block by block. */
export function copyRange(src: number, from: number, length: number, dst: number, to: number): void {
  let at = to;
  readRange(src, from, length, (b) => {
    writeAll(dst, b, at);
    at += b.length;
  });
}

/** Reads `length` bytes at `position` into the start of `buf` (reused); returns the part read. */
export function readInto(fd: number, buf: Buffer, position: number, length: number): Buffer {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to `fd` synchronously; waits and retries while a non-blocking pipe is full. */
export function writeAllToFd(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) {
    try {
      done += writeSync(fd, data, done, data.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1); // the reader is behind: give it a millisecond
    }
  }
}

/** lstat of a path string (its exact bytes, core/path-bytes.ts), or undefined when there is nothing there. */
export function lstatIfExists(path: string): Stats | undefined {
  try {
    return lstatSync(osPath(path));
  } catch {
    return undefined;
  }
}
