// Appends staged chunk data to the archive past its committed length. Writes are batched into large
// sequential writes; `finish` fsyncs, and only then may the staging file point at the new bytes.
import { closeSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { CorruptDataError } from '../core/errors.js';
import { writeAll } from './fs-utils.js';

const FLUSH_AT = 8 << 20;

export class ChunkAppender {
  private readonly fd: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
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
    return this.flushedEnd + this.pendingBytes;
  }

  append(data: Uint8Array): number {
    const at = this.end;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
    return at;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    writeAll(this.fd, buf, this.flushedEnd);
    this.flushedEnd += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
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
