// A fixed pool of worker threads for the CPU stage. Jobs may name a worker (the stream of one large file
// must stay on one thread, which holds its carry-over bytes); others go to the least-loaded worker.
// With size 0 every job runs in-process, synchronously, through the very same handler.
import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { deserializeError, InternalError, type SerializedError } from '../core/errors.js';
import { handleJob, newJobState, transferables, type Job, type JobState, type Reply, type ReplyFor } from './jobs.js';

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private readonly inlineState: JobState = newJobState();
  private nextId = 1;
  private failure?: Error;

  constructor(readonly size: number) {
    // Loaded only when threads are wanted: most CLI calls never start one, and node:worker_threads costs
    // every process start a few milliseconds.
    const threads = size > 0 ? (createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads) : null;
    for (let i = 0; i < size; i++) {
      const w = new threads!.Worker(new URL('./worker-entry.js', import.meta.url));
      w.on('message', (m: { id: number; reply?: Reply; error?: SerializedError }) => this.settle(m));
      w.on('error', (e) => this.fail(new InternalError(`worker thread ${i} failed: ${e.message}`)));
      this.workers.push(w);
      this.load.push(0);
    }
  }

  private settle(m: { id: number; reply?: Reply; error?: SerializedError }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.load[p.worker]--;
    if (m.error !== undefined) p.reject(deserializeError(m.error));
    else p.resolve(m.reply!);
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** The worker a sticky job sequence (one large file) should use. */
  pick(): number {
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[best]) best = i;
    return best;
  }

  /** A worker other than `w` when there is one (to run a second stage of the same file in parallel). */
  other(w: number): number {
    return this.size < 2 ? w : (w + 1) % this.size;
  }

  run<J extends Job>(job: J, worker?: number): Promise<ReplyFor<J>> {
    // handleJob answers each kind with its own reply type (jobs.ts ReplyByKind): the one place that narrows.
    if (this.size === 0) {
      try {
        return Promise.resolve(handleJob(job, this.inlineState) as ReplyFor<J>);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (this.failure) return Promise.reject(this.failure);
    const w = worker ?? this.pick();
    const id = this.nextId++;
    this.load[w]++;
    return new Promise<ReplyFor<J>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Reply) => void, reject, worker: w });
      this.workers[w].postMessage({ id, job }, transferables(job));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
