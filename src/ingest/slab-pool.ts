// Reuses the ArrayBuffers that carry file bytes to the workers and back. Fresh memory costs a page fault
// per 4 KiB on first touch (~100 ms for 87 MB here); a recycled slab is already mapped.
const MIN_SLAB = 1 << 20;
const MAX_FREE = 16;

export class SlabPool {
  private readonly free: ArrayBuffer[] = [];

  /** A view of exactly `size` bytes over a recycled or new buffer that it owns entirely. */
  get(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= size);
    const buf = i >= 0 ? this.free.splice(i, 1)[0] : (Buffer.allocUnsafeSlow(Math.max(size, MIN_SLAB)).buffer as ArrayBuffer);
    return new Uint8Array(buf, 0, size);
  }

  release(view: Uint8Array): void {
    const b = view.buffer;
    if (b instanceof ArrayBuffer && b.byteLength >= MIN_SLAB && this.free.length < MAX_FREE) this.free.push(b);
  }
}
