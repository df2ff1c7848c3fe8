// The one place where error codes become process exit statuses. Documented in README.md ("Exit codes").
import type { ErrorCode } from '../core/errors.js';

export const EXIT = {
  OK: 0,
  /** General failure: I/O error, nothing to commit, already exists, internal error. */
  FAILURE: 1,
  USAGE: 2,
  PARTIAL: 3,
  NOT_FOUND: 4,
  INTEGRITY: 5,
  /** A remote could not be reached, answered with an error, stalled or cut its answer short. */
  NETWORK: 6,
  /** A remote moved on (another push won): pull first. */
  CONFLICT: 7,
  NO_STORE: 10,
  LOCKED: 11,
  INTERRUPTED: 130,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  USAGE: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  CORRUPT: EXIT.INTEGRITY,
  INTEGRITY: EXIT.INTEGRITY,
  NO_STORE: EXIT.NO_STORE,
  LOCKED: EXIT.LOCKED,
  NOTHING_TO_COMMIT: EXIT.FAILURE,
  EXISTS: EXIT.FAILURE,
  REFUSED: EXIT.FAILURE,
  IO: EXIT.FAILURE,
  PARTIAL: EXIT.PARTIAL,
  INTERRUPTED: EXIT.INTERRUPTED,
  NETWORK: EXIT.NETWORK,
  CONFLICT: EXIT.CONFLICT,
  INTERNAL: EXIT.FAILURE,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code] ?? EXIT.FAILURE;
}
