// Writes buffers to a response as fast as the client takes them and no faster: after a write the socket
// refuses (its buffer is full), the next buffer is produced only on 'drain'. A client that goes away ends the
// loop. Stored data that fails its check mid-body ends the response by destroying the socket, so the client
// sees a truncated body — never a complete-looking wrong one — and the error goes to the server's log.
import type { ServerResponse } from 'node:http';

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

/** Sends every buffer of `body`, then ends the response; throws (after destroying it) if `body` throws. */
export async function pump(res: ServerResponse, body: Iterable<Buffer>): Promise<void> {
  try {
    for (const b of body) {
      if (res.destroyed) return;
      if (!res.write(b) && !(await drained(res))) return;
    }
  } catch (e) {
    res.destroy();
    throw e;
  }
  res.end();
}
