// Long store operations (check --deep, export, gc, import): cancellation and progress. Between two blocks of
// work they give the event loop a turn, so a Ctrl-C handler can run and abort their signal, and they stop
// cleanly; and they report how far they are, so a person watching a 5 GiB store sees it move.
import { DigstoreError } from '../core/errors.js';

/** How much data a long operation handles between two looks at its abort signal. */
export const CHECKPOINT_BYTES = 64 << 20;

/** Yields to the event loop, then throws INTERRUPTED (`what`: what was left undone) if `signal` was aborted. */
export async function checkpoint(signal: AbortSignal | undefined, what: string): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new DigstoreError('INTERRUPTED', `interrupted; ${what}`);
}

/** What every long store operation takes: a signal that stops it, a callback that hears how far it is. */
export interface LongOperation {
  signal?: AbortSignal;
  onProgress?: (p: WorkProgress) => void;
}

/** Progress of a long store operation: re-hashing stored data ('verify') or copying it ('copy'). */
export interface WorkProgress {
  type: 'progress';
  phase: 'verify' | 'copy' | 'upload' | 'download';
  bytesDone: number;
  bytesTotal: number;
  elapsedMs: number;
  /** Transfers (push, pull, clone): remote objects done and in all for this phase. */
  objectsDone?: number;
  objectsTotal?: number;
}

/**
 * Runs `step(offset, length)` over `total` bytes, CHECKPOINT_BYTES at a time: after each block it reports the
 * phase's progress and stops with INTERRUPTED (`what`: what was left undone) if the signal was aborted.
 */
export async function inBlocks(
  total: number,
  phase: WorkProgress['phase'],
  { signal, onProgress }: LongOperation,
  what: string,
  step: (offset: number, length: number) => void,
): Promise<void> {
  const report = phaseReporter(onProgress, phase, total);
  for (let done = 0; done < total; done += CHECKPOINT_BYTES) {
    const length = Math.min(CHECKPOINT_BYTES, total - done);
    step(done, length);
    report(done + length);
    await checkpoint(signal, what);
  }
}

/** A reporter for one phase: call it with the bytes done so far. */
export function phaseReporter(
  onProgress: ((p: WorkProgress) => void) | undefined,
  phase: WorkProgress['phase'],
  bytesTotal: number,
  objectsTotal?: number,
): (bytesDone: number, objectsDone?: number) => void {
  const started = performance.now();
  return (bytesDone, objectsDone) =>
    onProgress?.({
      type: 'progress',
      phase,
      bytesDone,
      bytesTotal,
      elapsedMs: performance.now() - started,
      ...(objectsTotal !== undefined && { objectsDone: objectsDone ?? 0, objectsTotal }),
    });
}
