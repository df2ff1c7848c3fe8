// The pipeline's backpressure: bytes handed to the workers and not yet written. A new job waits until its
// bytes fit under the budget (one job always fits, however large), so memory stays flat whatever the input.
// A job that fails is recorded here (never an unhandled rejection) and rethrown at the next checkpoint.
import { DigstoreError } from '../core/errors.js';

export class InFlightBudget {
  private bytes = 0;
  private readonly jobs = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly maxBytes: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Throws the first failed job's error, or INTERRUPTED once the signal is aborted. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.signal?.aborted) throw new DigstoreError('INTERRUPTED', 'interrupted; nothing was staged');
  }

  /** Waits until `bytes` more fit in the budget. */
  async room(bytes: number): Promise<void> {
    while (this.jobs.size > 0 && this.bytes + bytes > this.maxBytes) await Promise.race(this.jobs);
    this.check();
  }

  /** Counts `bytes` against the budget until `job` settles. */
  track(bytes: number, job: Promise<void>): void {
    this.bytes += bytes;
    const t: Promise<void> = job
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.bytes -= bytes;
        this.jobs.delete(t);
      });
    this.jobs.add(t);
  }

  /** Waits for every job; throws if one failed or the signal was aborted. */
  async drain(): Promise<void> {
    while (this.jobs.size > 0) await Promise.race(this.jobs);
    this.check();
  }

  /** Waits for every job to settle, whatever happened (before giving their buffers back). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.jobs);
  }
}
