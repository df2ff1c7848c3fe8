// Progress for people: one line on stderr, redrawn at most 10 times a second, only on a TTY (or with
// --progress). With --json, progress events go to stdout as NDJSON lines instead, at the same rate.
import type { ProgressEvent } from '../ingest/progress.js';
import { Throttle, type Clock } from '../ingest/progress.js';
import type { WorkProgress } from '../store/interrupt.js';
import { interruptSignal } from './interrupt.js';
import { formatBytes, type Output } from './output.js';

export const MAX_UPDATES_PER_SECOND = 10;

/** Bytes per second so far and, while some are left, ` ETA Ns` at that rate. */
function rateAndEta(bytesDone: number, bytesTotal: number, elapsedMs: number): { mbps: string; eta: string } {
  const rate = bytesDone / (Math.max(elapsedMs, 1) / 1000);
  const left = bytesTotal - bytesDone;
  return { mbps: (rate / 1e6).toFixed(1), eta: bytesDone > 0 && left > 0 ? ` ETA ${Math.ceil(left / rate)}s` : '' };
}

export function formatProgress(e: ProgressEvent): string {
  const fps = e.filesDone / (Math.max(e.elapsedMs, 1) / 1000);
  const { mbps, eta } = rateAndEta(e.bytesDone, e.bytesTotal, e.elapsedMs);
  return (
    `${e.phase} ${e.filesDone}/${e.filesTotal} files, ${formatBytes(e.bytesDone)}/${formatBytes(e.bytesTotal)}, ` +
    `${fps.toFixed(0)} files/s, ${mbps} MB/s${eta}`
  );
}

export interface ProgressSink<E = ProgressEvent> {
  onProgress: (e: E) => void;
  /** Shows the final state (if anything was shown) and clears the line. */
  done: () => void;
}

export function progressSink<E = ProgressEvent>(
  mode: 'tty' | 'json' | 'off',
  write: (s: string) => void,
  format: (e: E) => string,
  clock?: Clock,
): ProgressSink<E> {
  if (mode === 'off') return { onProgress: () => {}, done: () => {} };
  let shown = false;
  const t = new Throttle<E>(
    1000 / MAX_UPDATES_PER_SECOND,
    (e) => {
      shown = true;
      write(mode === 'json' ? `${JSON.stringify(e)}\n` : `\r\x1b[2K${format(e)}`);
    },
    clock,
  );
  let phase: unknown;
  return {
    onProgress: (e) => {
      // A new phase (verify → copy) is shown at once: a short phase must not vanish inside the throttle.
      const p = (e as { phase?: unknown }).phase;
      if (p !== phase) {
        phase = p;
        t.flush();
        t.push(e);
        t.flush();
      } else t.push(e);
    },
    done: () => {
      t.flush(); // the final state, then (on a terminal) the line is cleared
      if (mode === 'tty' && shown) write('\r\x1b[2K');
    },
  };
}

/** `verify 512.0 MiB/1.0 GiB, 480.3 MB/s ETA 2s` for check --deep, export, import and gc. */
export function formatWork(e: WorkProgress): string {
  const { mbps, eta } = rateAndEta(e.bytesDone, e.bytesTotal, e.elapsedMs);
  const objects = e.objectsTotal === undefined ? '' : `${e.objectsDone}/${e.objectsTotal} objects, `;
  return `${e.phase} ${objects}${formatBytes(e.bytesDone)}/${formatBytes(e.bytesTotal)}, ${mbps} MB/s${eta}`;
}

/**
 * What a long store operation (check --deep, export, import, gc) gets from the CLI: Ctrl-C's signal and a
 * progress line on stderr when it is a terminal (or with --progress), never with --json or -q (stdout is one
 * document; progress is for a person watching). Pass `options` to the operation; call `done` when it ends.
 */
export function longRun(
  out: Output,
  force: boolean | undefined,
  /** Transfers (push, pull, clone), like add: with --json, progress events go to stdout as NDJSON lines. */
  jsonEvents = false,
): { options: { signal: AbortSignal; onProgress: (p: WorkProgress) => void }; done: () => void } {
  const mode =
    out.opts.json && jsonEvents
      ? 'json'
      : out.opts.json || out.opts.quiet || !(process.stderr.isTTY || force)
        ? 'off'
        : 'tty';
  const write = (s: string) => (mode === 'json' ? process.stdout : process.stderr).write(s);
  const sink = progressSink<WorkProgress>(mode, write, formatWork);
  return { options: { signal: interruptSignal(), onProgress: sink.onProgress }, done: sink.done };
}
