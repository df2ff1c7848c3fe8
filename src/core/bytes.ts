// Little-endian byte writer and bounds-checked reader shared by every codec. The reader never trusts a
// length it reads: every read checks the remaining bytes first and throws CorruptDataError, so a forged
// length can neither crash the process nor make it allocate a huge buffer.
import { CorruptDataError } from './errors.js';
import { decodePath, encodePath } from './path-bytes.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(16, initialSize));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  /** Unsigned 64-bit from a JS number; values are offsets and sizes, always below 2^53. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 out of range: ${v}`);
    this.ensure(8);
    this.view.setUint32(this.pos, v % 0x1_0000_0000, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / 0x1_0000_0000), true);
    this.pos += 8;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** UTF-8 string with a u16 byte-length prefix (paths and names; longer is a usage error upstream). */
  str16(s: string): this {
    // Written in place: no temporary Buffer per string (there is one per file entry).
    this.ensure(2 + s.length * 3);
    const n = this.buf.write(s, this.pos + 2, 'utf8');
    if (n > 0xffff) throw new RangeError('string longer than 65535 bytes');
    this.view.setUint16(this.pos, n, true);
    this.pos += 2 + n;
    return this;
  }

  /** A path's exact bytes (see core/path-bytes.ts) with a u16 length prefix. */
  path16(s: string): this {
    // Nearly every path is well-formed UTF-16, whose UTF-8 is its exact bytes: written in place, no Buffer.
    if ((s as unknown as { isWellFormed(): boolean }).isWellFormed()) return this.str16(s);
    const b = encodePath(s);
    if (b.length > 0xffff) throw new RangeError('path longer than 65535 bytes');
    return this.u16(b.length).bytes(b);
  }

  /** Overwrites a u32 at an earlier position (for counts known only at the end). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  private readonly buf: Buffer;
  private readonly view: DataView;
  pos: number;
  private readonly end: number;

  /** `what` names the structure being decoded, so corruption messages say where it was found. */
  constructor(
    data: Uint8Array,
    readonly what: string,
    start = 0,
    end = data.length,
  ) {
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (start < 0 || end > data.length || start > end) throw new CorruptDataError(`${what}: section out of bounds`);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (!(n >= 0) || n > this.end - this.pos) {
      throw new CorruptDataError(
        `${this.what}: truncated (needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left)`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    const v = hi * 0x1_0000_0000 + lo;
    if (v > MAX_SAFE) throw new CorruptDataError(`${this.what}: 64-bit value out of range at offset ${this.pos - 8}`);
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * A view (no copy) of the next n bytes. A plain Uint8Array, not a Buffer: constructing one is ~3× cheaper
   * than Buffer#subarray, which counts when a commit decodes hundreds of thousands of hashes.
   */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  str16(): string {
    const n = this.u16();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A path written by `path16`: its bytes, decoded losslessly (non-UTF-8 bytes kept, core/path-bytes.ts). */
  path16(): string {
    const n = this.u16();
    this.need(n);
    // Valid UTF-8 (nearly every name) decodes straight from the buffer; decodePath keeps any other byte.
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    if (s.includes('\uFFFD')) return decodePath(this.bytes(n));
    this.pos += n;
    return s;
  }

  /** A count of items each at least `minItemSize` bytes: rejects counts the remaining bytes cannot hold. */
  count(minItemSize: number): number {
    const n = this.u32();
    if (n * minItemSize > this.remaining) throw new CorruptDataError(`${this.what}: count ${n} exceeds the data`);
    return n;
  }

  expectEnd(): void {
    if (this.pos !== this.end)
      throw new CorruptDataError(`${this.what}: ${this.end - this.pos} unexpected trailing bytes`);
  }
}
