// Appends staged chunk data to the archive past its committed length. Chunks are copied into one reused
// 8 MiB buffer and written in large sequential writes, so the caller's buffers (worker slabs) can be
// recycled at once; `finish` fsyncs, and only then may the staging file point at the new bytes.
import { closeSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { CorruptDataError } from '../core/errors.js';
import { writeAll } from './fs-utils.js';

const BUFFER_SIZE = 8 << 20;

export class ChunkAppender {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafeSlow(BUFFER_SIZE);
  private used = 0;
  private flushedEnd: number;

  /** Opens the archive for appending at `start`; anything beyond it (an interrupted add) is dropped. */
  constructor(archivePath: string, start: number, committedLength: number) {
    // Never truncate into committed data, whatever a (damaged) staging file says.
    if (start < committedLength) throw new CorruptDataError(`${archivePath}: staged data would overwrite committed data`);
    this.fd = openSync(archivePath, 'r+');
    ftruncateSync(this.fd, start);
    this.flushedEnd = start;
  }

  /** Where the next appended byte will land. */
  get end(): number {
    return this.flushedEnd + this.used;
  }

  append(data: Uint8Array): number {
    const at = this.end;
    if (data.length > BUFFER_SIZE - this.used) {
      this.flush();
      if (data.length >= BUFFER_SIZE) {
        writeAll(this.fd, data, this.flushedEnd);
        this.flushedEnd += data.length;
        return at;
      }
    }
    this.buf.set(data, this.used);
    this.used += data.length;
    return at;
  }

  private flush(): void {
    if (this.used === 0) return;
    writeAll(this.fd, this.buf.subarray(0, this.used), this.flushedEnd);
    this.flushedEnd += this.used;
    this.used = 0;
  }

  /** Flushes and makes the appended data durable. */
  finish(): number {
    try {
      this.flush();
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
    return this.flushedEnd;
  }

  abort(): void {
    closeSync(this.fd);
  }
}
