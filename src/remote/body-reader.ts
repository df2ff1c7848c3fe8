// Exact reads from an HTTP response body that nobody trusts: `exactly(n)` returns n bytes or fails (the body
// ended: a cut response), a read that waits longer than the idle timeout fails (a stalled gateway), and
// `atEnd()` says whether anything follows (an endless or padded body is refused, never drained).
import { NetworkError } from '../core/errors.js';

export class BodyReader {
  private readonly parts: Buffer[] = [];
  private buffered = 0;
  private done = false;
  /** Bytes handed out so far. */
  consumed = 0;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly idleMs: number,
    private readonly what: string,
  ) {}

  private async pull(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NetworkError(`${this.what}: no data for ${this.idleMs / 1000} s`, 'try again, or another gateway'),
          ),
        this.idleMs,
      );
    });
    try {
      const r = await Promise.race([this.reader.read(), stalled]);
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.parts.push(Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength));
        this.buffered += r.value.length;
      }
    } catch (e) {
      if (e instanceof NetworkError) throw e;
      throw new NetworkError(
        `${this.what}: the connection failed after ${this.consumed} bytes (${(e as Error).message})`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next `n` bytes. */
  async exactly(n: number): Promise<Buffer> {
    while (this.buffered < n) {
      if (this.done)
        throw new NetworkError(
          `${this.what}: the response ended after ${this.consumed + this.buffered} bytes, ${this.consumed + n} expected`,
        );
      await this.pull();
    }
    const all = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts.length = 0;
    if (rest.length > 0) this.parts.push(rest);
    this.buffered = rest.length;
    this.consumed += n;
    return out;
  }

  /** Whether the body ends here (reads at most one more piece to find out). */
  async atEnd(): Promise<boolean> {
    if (this.buffered === 0 && !this.done) await this.pull();
    return this.buffered === 0 && this.done;
  }

  /** Stops the download (the rest of the body is not read). */
  cancel(): void {
    this.reader.cancel().catch(() => {});
  }
}
