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
  for (const [name, o] of [['16K avg', { minSize: 4096, avgSize: 16384, maxSize: 65536 }], ['1M avg', { minSize: 524288, avgSize: 1048576, maxSize: 4194304 }]]) {
    fastcdc(data.subarray(0, 16 << 20), o); // warm up the JIT
    const t = performance.now();
    const n = fastcdc(data, o).length;
    results[`fastcdc 1 thread, ${name}`] = { seconds: (performance.now() - t) / 1000, mb, chunks: n };
  }

  const workers = availableParallelism();
  const pool = new WorkerPool(workers);
  const files = workers * 2;
  const block = 8 << 20;
  const perFile = Math.floor(size / files / block) * block;
  const t = performance.now();
  await Promise.all(Array.from({ length: files }, async (_, f) => {
    const w = f % workers;
    for (let off = 0; off < perFile; off += block) {
      const copy = new Uint8Array(block);
      copy.set(data.subarray(f * perFile + off, f * perFile + off + block));
      await pool.run({ kind: 'stream', fileId: f, size: perFile, block: copy, last: off + block >= perFile, params }, w);
    }
  }));
  results[`fastcdc + sha256, ${workers} workers (1 MiB avg)`] = { seconds: (performance.now() - t) / 1000, mb: (perFile * files) / (1 << 20) };
  await pool.close();
  return results;
}
