// Cancellation for long store operations (check --deep, export, gc, import): between two blocks of work they
// give the event loop a turn, so a Ctrl-C handler can run and abort their signal, and then stop cleanly.
import { DigstoreError } from '../core/errors.js';

/** How much data a long operation handles between two looks at its abort signal. */
export const CHECKPOINT_BYTES = 64 << 20;

/** Yields to the event loop, then throws INTERRUPTED (`what`: what was left undone) if `signal` was aborted. */
export async function checkpoint(signal: AbortSignal | undefined, what: string): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new DigstoreError('INTERRUPTED', `interrupted; ${what}`);
}
