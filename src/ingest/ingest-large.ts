// A large file, streamed: blocks are read into shared buffers; worker A cuts and hashes chunks (sequential by
// nature: it carries the bytes after the last cut into the next block's prefix), worker B computes the
// whole-file hash over the same blocks at the same time, and the main thread writes new chunks straight from
// the buffers. Memory is a few blocks, whatever the file size.
import { osPath } from '../core/path-bytes.js';
import { closeSync, openSync } from 'node:fs';
import { ByteReader } from '../core/bytes.js';
import { chunkRoot } from '../core/roots.js';
import type { ChunkRef } from '../core/types.js';
import { readStored } from './cpu-task.js';
import type { StreamReply } from './jobs.js';
import type { PipelineRun } from './pipeline-run.js';
import { readInto } from './read-batch.js';
import type { ScannedFile } from './scan.js';

/** The state of one file in flight: its chunks so far, and the buffers two workers still hold. */
class LargeFile {
  readonly chunks: ChunkRef[] = [];
  readonly hashes: Uint8Array[] = [];
  fileHash?: Uint8Array;
  /** The previous block: its carried bytes are copied out only when the next block is cut. */
  prev?: Uint8Array;
  // A block's buffer goes back to the pool when its hash job is done and the next block has been cut.
  private readonly refs = new Map<ArrayBufferLike, number>();

  constructor(private readonly run: PipelineRun) {}

  hold(buf: Uint8Array): void {
    this.refs.set(buf.buffer, 2);
  }

  release(buf: Uint8Array): void {
    const n = (this.refs.get(buf.buffer) ?? 1) - 1;
    if (n > 0) this.refs.set(buf.buffer, n);
    else {
      this.refs.delete(buf.buffer);
      this.run.shared.release(buf);
    }
  }

  /** Writes the chunks the cutter reported for the block in `buf` (starting `carry` bytes before it). */
  store(buf: Uint8Array, reply: StreamReply, last: boolean): void {
    let off = this.run.prefix - reply.carry;
    const stored = new ByteReader(reply.stored, 'worker result');
    for (let k = 0; k < reply.lengths.length; k++) {
      const len = reply.lengths[k];
      const h = reply.hashes.subarray(k * 32, k * 32 + 32);
      this.chunks.push(this.run.writer.put(h, buf.subarray(off, off + len), readStored(stored)));
      this.hashes.push(h);
      off += len;
    }
    if (this.prev) this.release(this.prev);
    this.prev = last ? undefined : buf;
    if (last) this.release(buf);
  }
}

export async function sendLarge(run: PipelineRun, f: ScannedFile, fileId: number): Promise<void> {
  let fd: number;
  try {
    fd = openSync(osPath(f.abs), 'r');
  } catch (e) {
    run.result.failed.push({ rel: f.rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    run.count(1, 0);
    return;
  }
  try {
    const cutter = run.pool.pick();
    const hasher = run.pool.other(cutter);
    const file = new LargeFile(run);
    let pos = 0;
    for (let last = false; !last; ) {
      const want = Math.min(run.blockSize, f.size - pos);
      await run.budget.room(want);
      const buf = run.shared.get(run.prefix + want);
      const n = readInto(fd, buf, run.prefix, want, pos);
      pos += n;
      last = n < want || pos >= f.size;
      file.hold(buf);
      const { params, compression = 'none' } = run.opts;
      const stream = {
        kind: 'stream',
        fileId,
        size: f.size,
        buf,
        prefix: run.prefix,
        length: n,
        last,
        params,
        compression,
      } as const;
      const cut = run.pool.run(stream, cutter).then((reply) => {
        file.store(buf, reply, last);
        run.count(0, n);
        run.progress();
      });
      const block = buf.subarray(run.prefix, run.prefix + n);
      const hash = run.pool.run({ kind: 'hash', fileId, block, last }, hasher).then((reply) => {
        if (reply.fileHash) file.fileHash = reply.fileHash;
        file.release(buf);
      });
      const size = pos;
      run.budget.track(
        n,
        Promise.all([cut, hash]).then(() => {
          if (last) finish(run, f, file, size);
        }),
      );
    }
  } finally {
    closeSync(fd);
  }
}

function finish(run: PipelineRun, f: ScannedFile, file: LargeFile, size: number): void {
  const root = chunkRoot(
    file.hashes,
    file.chunks.map((c) => c.length),
  );
  run.onFile({ file: f, size, hash: file.fileHash!, chunkRoot: root, chunks: file.chunks });
  run.count(1, 0); // its bytes were counted block by block
}
