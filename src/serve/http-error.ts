// An HTTP answer other than the content: a status, one line saying why, and any headers it needs (Allow,
// Location, Content-Range). Library errors map onto statuses in one place (`statusOf`).
import { DigstoreError } from '../core/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A redirect, with the target already percent-encoded. */
export const redirect = (status: 301 | 302, location: string, why: string) =>
  new HttpError(status, why, { Location: location });

/** The status for anything a handler throws: its own, or the one a library error code means. */
export function statusOf(e: unknown): number {
  if (e instanceof HttpError) return e.status;
  if (!(e instanceof DigstoreError)) return 500;
  switch (e.code) {
    case 'USAGE':
      return 400;
    case 'NOT_FOUND':
    case 'NO_STORE':
      return 404;
    case 'LOCKED':
      return 503;
    default:
      return 500; // CORRUPT, INTEGRITY, IO, INTERNAL: the store's fault, not the client's
  }
}
