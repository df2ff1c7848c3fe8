// Output rules: results on stdout (human text, or one JSON document with --json); messages for people on
// stderr, coloured only on a TTY and never when NO_COLOR is set; -q silences everything but errors.
import pc from 'picocolors';
import { asDigstoreError, DigstoreError, fromSystemError } from '../core/errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

let requestedStatus: number = EXIT.OK;

/** For commands whose answer is the exit status itself (e.g. check-ignore: 1 = nothing ignored). */
export function setExitStatus(code: number): void {
  requestedStatus = code;
}

export function exitStatus(): number {
  return requestedStatus;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

const useColour = (): boolean =>
  Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

export const colours = pc.createColors(useColour());

export class Output {
  constructor(readonly opts: GlobalOptions) {}

  /** Prints a command's result: `json` with --json, otherwise the human lines. */
  result(human: string | readonly string[], json: unknown): void {
    if (this.opts.json) process.stdout.write(`${JSON.stringify(json)}\n`);
    else {
      const lines = typeof human === 'string' ? [human] : human;
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }
  }

  /**
   * The outcome of a command that changes something or answers by its exit status (init, commit, export, check,
   * verify…): like `result`, but -q silences the human lines, as `git commit -q` does. --json always prints.
   */
  done(human: string | readonly string[], json: unknown): void {
    if (this.opts.json || !this.opts.quiet) this.result(human, json);
  }

  /** A note for people (stderr), unless quiet or producing JSON. */
  note(msg: string): void {
    if (!this.opts.quiet && !this.opts.json) process.stderr.write(`${msg}\n`);
  }

  warn(msg: string): void {
    if (!this.opts.quiet) process.stderr.write(`${colours.yellow('warning:')} ${msg}\n`);
  }
}

/** Reports an error in one line (JSON with --json) and returns the exit status to use. */
export function reportError(error: unknown, json: boolean): number {
  // A system error that reached here unwrapped (ENOSPC, EACCES, EROFS…) still gets the one-line treatment;
  // anything else unexpected is an InternalError (code INTERNAL).
  const sys = error as NodeJS.ErrnoException;
  const isSystem =
    !(error instanceof DigstoreError) && typeof sys?.code === 'string' && typeof sys?.syscall === 'string';
  const err = isSystem ? fromSystemError(error, sys.path ?? sys.syscall!) : asDigstoreError(error);
  const { code, message, hint, data } = err;
  if (json) process.stderr.write(`${JSON.stringify({ error: { code, message, hint, data } })}\n`);
  else {
    const what = code === 'INTERNAL' ? `internal error: ${message}` : message;
    process.stderr.write(`${colours.red('error:')} ${what}${hint ? ` (${hint})` : ''}\n`);
  }
  if (process.env.DIGSTORE_DEBUG === '1' && err.stack) process.stderr.write(`${err.stack}\n`);
  return exitCodeFor(code);
}

export { formatBytes } from '../core/format-bytes.js';

/** "dedup 2.50x" (bytes seen / bytes newly stored), or "all data already stored" when nothing was new. */
export function dedupText(newBytes: number, reusedBytes: number): string {
  if (newBytes === 0) return reusedBytes > 0 ? 'all data already stored' : 'no data';
  return `dedup ${((newBytes + reusedBytes) / newBytes).toFixed(2)}x`;
}
