// Typed progress events of the ingest pipeline, and a throttle so that consumers (the CLI's renderer)
// emit at most a fixed number of updates per second. The clock is injectable for tests.

export interface ProgressEvent {
  type: 'progress';
  phase: 'add';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  elapsedMs: number;
}

export type Clock = () => number;

/** Passes at most one event per `intervalMs`; `flush` always passes the last one (the final state). */
export class Throttle<T> {
  private last = -Infinity;
  private pending?: T;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (e: T) => void,
    private readonly now: Clock = () => performance.now(),
  ) {}

  push(e: T): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs) {
      this.last = t;
      this.pending = undefined;
      this.emit(e);
    } else this.pending = e;
  }

  flush(): void {
    if (this.pending !== undefined) {
      this.last = this.now();
      this.emit(this.pending);
      this.pending = undefined;
    }
  }
}
