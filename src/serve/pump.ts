// Writes buffers to a response as fast as the client takes them and no faster: after a write the socket
// refuses (its buffer is full), the next buffer is produced only on 'drain'. A client that goes away ends the
// loop. Stored data that fails its check mid-body ends the response by destroying the socket, so the client
// sees a truncated body — never a complete-looking wrong one — and the error goes to the server's log.
import type { ServerResponse } from 'node:http';
import type { SlabPool } from '../api/snapshot.js';

/** Resolves true on 'drain', false if the response closes first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Sends every buffer of `body`, then ends the response; throws (after destroying it) if `body` throws. A buffer
 * from `slabs` goes back to it once the socket has taken it.
 */
export async function pump(res: ServerResponse, body: Iterable<Buffer>, slabs?: SlabPool): Promise<void> {
  try {
    for (const b of body) {
      if (res.destroyed) return;
      const ok = slabs ? res.write(b, () => slabs.give(b)) : res.write(b);
      if (!ok && !(await drained(res))) return;
    }
  } catch (e) {
    res.destroy();
    throw e;
  }
  res.end();
}
