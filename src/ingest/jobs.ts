// Messages between the pipeline and its CPU workers, and the one handler that runs them — in a worker
// thread, or in-process when `workers: 0`. Buffers travel as transferred ArrayBuffers, never copied.
import type { ChunkingParams } from '../core/types.js';
import { processBatch, StreamChunker } from './cpu-task.js';

export interface BatchJob {
  kind: 'batch';
  slab: Uint8Array;
  sizes: Uint32Array;
  params: ChunkingParams;
}

export interface StreamJob {
  kind: 'stream';
  fileId: number;
  size: number;
  block: Uint8Array;
  last: boolean;
  params: ChunkingParams;
}

export type Job = BatchJob | StreamJob;

export interface BatchReply {
  kind: 'batch';
  packed: Uint8Array;
  slab: Uint8Array;
}

export interface StreamReply {
  kind: 'stream';
  data: Uint8Array;
  lengths: Uint32Array;
  hashes: Uint8Array;
  fileHash?: Uint8Array;
}

export type Reply = BatchReply | StreamReply;

/** Per-thread state: the open streams of large files routed to this thread. */
export type JobState = Map<number, StreamChunker>;

/** A buffer that owns its whole ArrayBuffer, so it can be transferred without taking neighbours along. */
function own(u: Uint8Array): Uint8Array {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : new Uint8Array(u);
}

export function handleJob(job: Job, state: JobState): Reply {
  if (job.kind === 'batch') return { kind: 'batch', packed: own(processBatch(job.slab, job.sizes, job.params)), slab: job.slab };
  let s = state.get(job.fileId);
  if (!s) state.set(job.fileId, (s = new StreamChunker(job.size, job.params)));
  const r = s.push(job.block, job.last);
  if (job.last) state.delete(job.fileId);
  const hashes = new Uint8Array(r.hashes.length * 32);
  r.hashes.forEach((h, i) => hashes.set(h, i * 32));
  return { kind: 'stream', data: own(r.data), lengths: Uint32Array.from(r.lengths), hashes, ...(r.fileHash ? { fileHash: own(r.fileHash) } : {}) };
}

/** The ArrayBuffers a message can hand over instead of copying. */
export function transferables(m: Job | Reply): ArrayBuffer[] {
  const list: ArrayBufferLike[] = [];
  if (m.kind === 'batch') list.push(m.slab.buffer, ...('packed' in m ? [m.packed.buffer] : []));
  else if ('block' in m) list.push(m.block.buffer);
  else list.push(m.data.buffer, m.lengths.buffer, m.hashes.buffer);
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
}
