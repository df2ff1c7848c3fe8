// Reuses the buffers that carry file bytes to the workers. Fresh memory costs a page fault per 4 KiB on
// first touch (~100 ms for 87 MB here); a recycled buffer is already mapped. The free list is bounded in
// bytes, so peak memory stays flat. Shared pools hand out SharedArrayBuffers: one block of a large file
// is read once and then chunked on one thread and hashed on another without copying. The free list must
// hold the whole working set (bounded by the in-flight budget): a dropped buffer lingers until a GC that a
// tiny JS heap rarely triggers, while a new one is allocated in its place.
const MIN_SLAB = 1 << 20;
const MAX_FREE_BYTES = 96 << 20;

export class SlabPool {
  private readonly free: ArrayBufferLike[] = [];
  private freeBytes = 0;

  constructor(private readonly shared = false) {}

  /** A view of exactly `size` bytes over a recycled or new buffer that it owns entirely. */
  get(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= size);
    if (i >= 0) {
      const buf = this.free.splice(i, 1)[0];
      this.freeBytes -= buf.byteLength;
      return new Uint8Array(buf, 0, size);
    }
    const n = Math.max(size, MIN_SLAB);
    return new Uint8Array(this.shared ? new SharedArrayBuffer(n) : Buffer.allocUnsafeSlow(n).buffer, 0, size);
  }

  release(view: Uint8Array): void {
    const b = view.buffer;
    if (b.byteLength < MIN_SLAB || this.freeBytes + b.byteLength > MAX_FREE_BYTES) return;
    if (b instanceof SharedArrayBuffer !== this.shared) return;
    this.free.push(b);
    this.freeBytes += b.byteLength;
  }
}
