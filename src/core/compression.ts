// Per-chunk compression (docs/format.md, "Compression"). A chunk's hash is always over its uncompressed
// bytes; what is stored is the compressed form only when it is smaller, with the codec in its chunk ref.
// Chunks that look incompressible (too many distinct byte values in a small sample: random data, already
// compressed media) are stored raw without trying, which keeps random data at full speed.
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import { CorruptDataError, UsageError } from './errors.js';

export type CompressionName = 'none' | 'gzip' | 'brotli' | 'zstd';
/** Codec numbers as stored in chunk refs. */
export const CODEC = { raw: 0, gzip: 1, brotli: 2, zstd: 3 } as const;

/** More distinct values than this among SAMPLES bytes: treated as random (see looksIncompressible). */
const DISTINCT_LIMIT = 128;
/**
 * Smaller chunks are stored raw: a compressor call costs ~20 µs whatever the size, the saving on a few hundred
 * bytes is small, and a sample of a tiny chunk says too little to tell random bytes from text.
 */
const MIN_SIZE = 512;
const SAMPLES = 256;

type ZstdZlib = typeof Zlib & {
  zstdCompressSync?: (b: Uint8Array, o?: object) => Buffer;
  zstdDecompressSync?: (b: Uint8Array, o?: object) => Buffer;
};
let loaded: ZstdZlib | undefined;
/** node:zlib, loaded on first use: a command that compresses nothing does not pay for it at start-up. */
const z = (): ZstdZlib => {
  loaded ??= createRequire(import.meta.url)('node:zlib') as ZstdZlib;
  return loaded;
};

/** Whether this runtime can do `name` (zstd needs Node 22.15 / 23.8 or later). */
export function compressionAvailable(name: string): name is CompressionName {
  if (name === 'zstd') return typeof z().zstdCompressSync === 'function';
  return name === 'none' || name === 'gzip' || name === 'brotli';
}

export function checkCompression(name: string, where: string): CompressionName {
  if (name === 'zstd' && !compressionAvailable(name)) {
    throw new UsageError(
      `${where}: core.compression = "zstd" needs Node 22.15 or later (this is ${process.version})`,
      'use "brotli" (the default), "gzip" or "none"',
    );
  }
  if (!compressionAvailable(name))
    throw new UsageError(`${where}: core.compression must be "brotli", "gzip", "zstd" or "none", not "${name}"`);
  return name;
}

const seen = new Uint8Array(256);

/**
 * Whether a chunk looks incompressible, from 256 bytes spread evenly over it: random bytes show ~160 distinct
 * values among 256 draws (256·(1 − 1/e)), text and most structured data well under 100. Counting distinct
 * values is several times cheaper than an entropy estimate and needs no logarithms.
 */
export function looksIncompressible(data: Uint8Array): boolean {
  const step = Math.max(1, Math.floor(data.length / SAMPLES));
  seen.fill(0);
  let distinct = 0;
  for (let i = 0, n = 0; i < data.length && n < SAMPLES; i += step, n++) {
    const b = data[i];
    if (seen[b] === 0) {
      seen[b] = 1;
      distinct++;
    }
  }
  return distinct > DISTINCT_LIMIT;
}

/** The stored form of a chunk: `undefined` means "store raw". */
export function compressChunk(
  data: Uint8Array,
  name: CompressionName,
): { codec: number; bytes: Uint8Array } | undefined {
  if (name === 'none' || data.length < MIN_SIZE || looksIncompressible(data)) return undefined;
  let out: Buffer;
  if (name === 'brotli') {
    const { constants } = z();
    out = z().brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 3, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
  } else if (name === 'gzip') out = z().gzipSync(data, { level: 6 });
  else out = z().zstdCompressSync!(data);
  // Not worth a decompression on every read unless it saves something real.
  if (out.length > data.length - Math.max(16, data.length >>> 6)) return undefined;
  return { codec: CODEC[name], bytes: out };
}

/** Decompresses a stored chunk; never produces more than `length` bytes (a forged ref cannot bomb memory). */
export function decompressChunk(stored: Uint8Array, codec: number, length: number, what: string): Buffer {
  const opts = { maxOutputLength: Math.max(1, length) };
  try {
    if (codec === CODEC.brotli) return z().brotliDecompressSync(stored, opts);
    if (codec === CODEC.gzip) return z().gunzipSync(stored, opts);
    if (codec === CODEC.zstd && z().zstdDecompressSync) return z().zstdDecompressSync!(stored, opts);
  } catch (e) {
    throw new CorruptDataError(`${what}: does not decompress (${(e as Error).message})`);
  }
  throw new CorruptDataError(`${what}: unknown codec ${codec}`);
}
