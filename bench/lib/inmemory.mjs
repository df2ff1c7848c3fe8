// Scenario (f): chunking and hashing throughput in memory, no I/O: FastCDC alone on one thread, and
// FastCDC + SHA-256 on all workers (several large "files" streamed through the worker pool at once).
import { randomFillSync } from 'node:crypto';
import { availableParallelism } from 'node:os';

const dist = new URL('../../dist/', import.meta.url);

export async function inMemory(mb) {
  const { fastcdc } = await import(new URL('index.js', dist));
  const { WorkerPool } = await import(new URL('ingest/worker-pool.js', dist));
  const { chunkingParams, DEFAULTS } = await import(new URL('store/config.js', dist));
  const params = chunkingParams(structuredClone(DEFAULTS));
  const size = mb << 20;
  const data = randomFillSync(Buffer.allocUnsafe(size));

  const results = {};
  for (const [name, o] of [
    ['16K avg', { minSize: 4096, avgSize: 16384, maxSize: 65536 }],
    ['1M avg', { minSize: 524288, avgSize: 1048576, maxSize: 4194304 }],
  ]) {
    fastcdc(data, o); // warm up: JIT, and WebAssembly memory grown to the input size once
    const t = performance.now();
    const n = fastcdc(data, o).length;
    results[`fastcdc 1 thread, ${name}`] = { seconds: (performance.now() - t) / 1000, mb, chunks: n };
  }

  // All workers: batches of 4 MiB "files" (each gets its whole-file hash, FastCDC cut points and chunk
  // hashes), two batches in flight per worker, as the add pipeline sends them.
  const workers = availableParallelism();
  const pool = new WorkerPool(workers);
  const fileSize = 4 << 20,
    perBatch = 8,
    batchBytes = fileSize * perBatch;
  const batches = Math.floor(size / batchBytes);
  const sizes = new Uint32Array(perBatch).fill(fileSize);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: workers * 2 }, async () => {
      let slab = new Uint8Array(batchBytes); // recycled: each reply hands the slab back
      for (let b = next++; b < batches; b = next++) {
        slab.set(data.subarray(b * batchBytes, (b + 1) * batchBytes));
        slab = (await pool.run({ kind: 'batch', slab, sizes, params })).slab;
      }
    }),
  );
  results[`fastcdc + sha256, ${workers} workers (4 MiB files, 64K avg)`] = {
    seconds: (performance.now() - t) / 1000,
    mb: (batches * batchBytes) / (1 << 20),
  };
  await pool.close();
  return results;
}
