// Progress for people: one line on stderr, redrawn at most 10 times a second, only on a TTY (or with
// --progress). With --json, progress events go to stdout as NDJSON lines instead, at the same rate.
import type { ProgressEvent } from '../ingest/progress.js';
import { Throttle, type Clock } from '../ingest/progress.js';
import { formatBytes } from './output.js';

export const MAX_UPDATES_PER_SECOND = 10;

export function formatProgress(e: ProgressEvent): string {
  const s = Math.max(e.elapsedMs, 1) / 1000;
  const fps = e.filesDone / s;
  const mbps = e.bytesDone / s / 1e6;
  const left = e.bytesTotal - e.bytesDone;
  const eta = e.bytesDone > 0 && left > 0 ? `ETA ${Math.ceil(left / (e.bytesDone / s))}s` : '';
  return (
    `${e.phase} ${e.filesDone}/${e.filesTotal} files, ${formatBytes(e.bytesDone)}/${formatBytes(e.bytesTotal)}, ` +
    `${fps.toFixed(0)} files/s, ${mbps.toFixed(1)} MB/s ${eta}`.trimEnd()
  );
}

export interface ProgressSink {
  onProgress: (e: ProgressEvent) => void;
  /** Shows the final state (if anything was shown) and clears the line. */
  done: () => void;
}

export function progressSink(mode: 'tty' | 'json' | 'off', write: (s: string) => void, clock?: Clock): ProgressSink {
  if (mode === 'off') return { onProgress: () => {}, done: () => {} };
  let shown = false;
  const t = new Throttle<ProgressEvent>(
    1000 / MAX_UPDATES_PER_SECOND,
    (e) => {
      shown = true;
      write(mode === 'json' ? `${JSON.stringify(e)}\n` : `\r\x1b[2K${formatProgress(e)}`);
    },
    clock,
  );
  return {
    onProgress: (e) => t.push(e),
    done: () => {
      if (mode === 'tty' && shown) write('\r\x1b[2K');
    },
  };
}
