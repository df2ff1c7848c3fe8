// A remote in a directory (`file:///DIR`): a mounted disk or network share. Objects are files under DIR named
// by their keys, written to a temporary name and renamed (never seen half-written); `putIfAbsent` is an
// exclusive link, which a local file system does atomically. Its clock is this machine's.
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, UsageError, fromSystemError } from '../core/errors.js';
import { readAt, writeAllToFd } from '../store/fs-utils.js';
import { type ByteSpan, type Leftover, type ObjectInfo, type ObjectStore, PIECE_BYTES } from './object-store.js';

const KEY = /^[0-9a-f]{64}\/[a-z]+\/[0-9a-z.-]+$/;

export class FileObjectStore implements ObjectStore {
  private readonly dir: string;

  constructor(readonly url: string) {
    if (!url.startsWith('file:///')) throw new UsageError(`'${url}' is not a file:/// URL`);
    this.dir = fileURLToPath(url);
    if (!existsSync(this.dir) || !statSync(this.dir).isDirectory())
      throw new NotFoundError(`${this.dir} is not a directory`, 'create it first, or check the mount');
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new UsageError(`invalid object key '${key}'`);
    return join(this.dir, key);
  }

  /** Writes the object under a temporary name (piece by piece through `write`) and returns that name. */
  private writeTemp(key: string, write: (fd: number) => void): string {
    const file = this.path(key);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fd = openSync(tmp, 'wx');
    try {
      write(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw fromSystemError(e, `cannot write ${key} to ${this.url}`);
    }
    closeSync(fd);
    return tmp;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.putIfAbsent(key, data); // objects are immutable: an existing one already holds this content
  }

  async putFrom(key: string, size: number, read: (offset: number, length: number) => Buffer): Promise<void> {
    const tmp = this.writeTemp(key, (fd) => {
      for (let at = 0; at < size; at += PIECE_BYTES) writeAllToFd(fd, read(at, Math.min(PIECE_BYTES, size - at)));
    });
    this.linkTemp(tmp, key);
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    let fd: number;
    try {
      fd = openSync(this.path(key), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${this.url} has no object ${key}`);
      throw fromSystemError(e, `cannot read ${key} from ${this.url}`);
    }
    try {
      for (;;) {
        const b = Buffer.allocUnsafe(1 << 20);
        const n = readSync(fd, b, 0, b.length, null);
        if (n === 0) return;
        yield b.subarray(0, n);
      }
    } finally {
      closeSync(fd);
    }
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    return this.linkTemp(
      this.writeTemp(key, (fd) => writeAllToFd(fd, data)),
      key,
    );
  }

  /** Publishes a written temporary file as `key` (an exclusive link); false when `key` exists already. */
  private linkTemp(tmp: string, key: string): boolean {
    try {
      linkSync(tmp, this.path(key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fromSystemError(e, `cannot write ${key} to ${this.url}`);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async get(key: string, range?: ByteSpan): Promise<Buffer> {
    try {
      if (!range) return readFileSync(this.path(key));
      const fd = openSync(this.path(key), 'r');
      try {
        const b = readAt(fd, range.start, range.end - range.start);
        if (b.length !== range.end - range.start)
          throw new NotFoundError(`${this.url}: ${key} is shorter than ${range.end} bytes`);
        return b;
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if (e instanceof NotFoundError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${this.url} has no object ${key}`);
      throw fromSystemError(e, `cannot read ${key} from ${this.url}`);
    }
  }

  async delete(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const st = statSync(this.path(key));
      return { key, size: st.size, lastModified: st.mtimeMs };
    } catch {
      return undefined;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    return this.filesUnder(prefix, false);
  }

  /** Temporary files of writes that never finished (a killed push): `*.tmp-*` beside the objects. */
  async leftovers(prefix: string): Promise<Leftover[]> {
    return (await this.filesUnder(prefix, true)).map((o) => ({ ...o, id: o.key }));
  }

  /** The files whose key starts with `prefix`, in key order: the objects, or (`temporary`) the `*.tmp-*` ones. */
  private async filesUnder(prefix: string, temporary: boolean): Promise<ObjectInfo[]> {
    const slash = prefix.lastIndexOf('/');
    const dir = join(this.dir, prefix.slice(0, slash));
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const start = prefix.slice(slash + 1);
    const out: ObjectInfo[] = [];
    for (const n of names.sort()) {
      if (!n.startsWith(start) || n.includes('.tmp-') !== temporary) continue;
      const st = statSync(join(dir, n));
      out.push({ key: `${prefix.slice(0, slash + 1)}${n}`, size: st.size, lastModified: st.mtimeMs });
    }
    return out;
  }

  async dropLeftover(l: Leftover): Promise<void> {
    rmSync(this.path(l.key), { force: true });
  }

  async now(): Promise<number> {
    return Date.now();
  }
}
