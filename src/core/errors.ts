// One error base class for everything digstore throws on purpose. The string `code` is the contract:
// the CLI maps codes to exit statuses in one place (src/cli/exit-codes.ts) and `--json` prints it.

export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'CORRUPT'
  | 'INTEGRITY'
  | 'NO_STORE'
  | 'LOCKED'
  | 'NOTHING_TO_COMMIT'
  | 'EXISTS'
  | 'REFUSED'
  | 'IO'
  | 'PARTIAL'
  | 'INTERRUPTED'
  | 'NETWORK'
  | 'CONFLICT'
  | 'INTERNAL';

/** Structured facts about an error (paths, hashes, counts) for programs: `--json` prints them as `data`. */
export type ErrorData = Readonly<Record<string, string | number | boolean | null>>;

export class DigstoreError extends Error {
  readonly code: ErrorCode;
  /** A short hint shown after the message, telling the user what to do next. */
  readonly hint?: string;
  readonly data?: ErrorData;

  constructor(code: ErrorCode, message: string, hint?: string, data?: ErrorData) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
    if (data) this.data = data;
  }
}

/** A bug: something digstore did not expect (never bad input, which has its own class). */
export class InternalError extends DigstoreError {
  constructor(message: string, data?: ErrorData) {
    super('INTERNAL', message, 'set DIGSTORE_DEBUG=1 for the stack trace, and please report it', data);
  }
}

/** `e` as a DigstoreError: itself, or an InternalError carrying its message and class name. */
export function asDigstoreError(e: unknown): DigstoreError {
  if (e instanceof DigstoreError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const wrapped = new InternalError(err.message, { name: err.name });
  if (err.stack) wrapped.stack = err.stack;
  return wrapped;
}

/** What crosses a thread boundary (postMessage keeps no class): enough to rebuild the same typed error. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint?: string;
  data?: ErrorData;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  const d = asDigstoreError(e);
  return { code: d.code, message: d.message, hint: d.hint, data: d.data, stack: d.stack };
}

export function deserializeError(s: SerializedError): DigstoreError {
  const e = new DigstoreError(s.code, s.message, s.hint, s.data);
  if (s.stack) e.stack = s.stack;
  return e;
}

/** Wrong arguments, options or input syntax from the user. */
export class UsageError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('USAGE', message, hint, data);
  }
}

/** A path, root, layer or store that does not exist. */
export class NotFoundError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('NOT_FOUND', message, hint, data);
  }
}

/** Bytes on disk (or handed to a decoder) that do not decode: truncated, bit-flipped, forged. */
export class CorruptDataError extends DigstoreError {
  constructor(message: string, hint = 'run `digstore check --deep` to see what is damaged') {
    super('CORRUPT', message, hint);
  }
}

/** A hash that does not match what it should (chunk, file, proof, root). */
export class IntegrityError extends DigstoreError {
  constructor(message: string, data?: ErrorData) {
    super('INTEGRITY', message, undefined, data);
  }
}

/** No `.digstore` link found walking up from the working directory. */
export class NoStoreError extends DigstoreError {
  constructor(message: string, hint = 'run `digstore init` to create a store here') {
    super('NO_STORE', message, hint);
  }
}

export class LockedError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('LOCKED', message, hint, data);
  }
}

export class NothingToCommitError extends DigstoreError {
  constructor() {
    super('NOTHING_TO_COMMIT', 'nothing to commit: no changes are staged', 'use `digstore add PATH` first');
  }
}

export class ExistsError extends DigstoreError {
  constructor(message: string, hint?: string) {
    super('EXISTS', message, hint);
  }
}

/** Refused because it would lose data that exists nowhere else (as `git rm` refuses): exit 1, not usage. */
export class RefusedError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('REFUSED', message, hint, data);
  }
}

/** Turns a Node system error (ENOENT, EACCES, ENOSPC…) into one clear typed error. */
export function fromSystemError(err: unknown, what: string): DigstoreError {
  if (err instanceof DigstoreError) return err;
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return new NotFoundError(`${what}: no such file or directory`);
    case 'EACCES':
    case 'EPERM':
      return new DigstoreError('IO', `${what}: permission denied`, 'check the file permissions');
    case 'ENOSPC':
      return new DigstoreError('IO', `${what}: no space left on device`, 'free some disk space and retry');
    case 'EFBIG':
      return new DigstoreError(
        'IO',
        `${what}: file too large (file system or process file-size limit)`,
        'free space or raise the limit, then retry',
      );
    case 'EDQUOT':
      return new DigstoreError('IO', `${what}: disk quota exceeded`, 'free some space and retry');
    case 'EROFS':
      return new DigstoreError('IO', `${what}: read-only file system`);
    case 'EISDIR':
      return new UsageError(`${what}: is a directory`, 'use -r to add a directory');
    default:
      return new DigstoreError('IO', `${what}: ${e?.message ?? String(err)}`);
  }
}

/** A remote that cannot be reached, answers with an HTTP error, stalls or cuts its answer short. */
export class NetworkError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('NETWORK', message, hint, data);
  }
}

/** A remote moved on: another push won the generation this one built on. */
export class ConflictError extends DigstoreError {
  constructor(message: string, hint?: string, data?: ErrorData) {
    super('CONFLICT', message, hint, data);
  }
}
