// Per-chunk compression (docs/format.md, "Compression"). A chunk's hash is always over its uncompressed
// bytes; what is stored is the compressed form only when it is smaller, with the codec in its chunk ref.
// Chunks that look incompressible (byte entropy of a sample above ENTROPY_LIMIT bits: random, already
// compressed media) are stored raw without trying, which keeps random data at full speed.
import zlib from 'node:zlib';
import { CorruptDataError, UsageError } from './errors.js';

export type CompressionName = 'none' | 'gzip' | 'brotli' | 'zstd';
/** Codec numbers as stored in chunk refs. */
export const CODEC = { raw: 0, gzip: 1, brotli: 2, zstd: 3 } as const;

const ENTROPY_LIMIT = 7.2;
/**
 * Smaller chunks are stored raw: a compressor call costs ~20 µs whatever the size, the saving on a few hundred
 * bytes is small, and with fewer than ~500 samples random bytes show too low an entropy to be told from text.
 */
const MIN_SIZE = 512;
/** Bytes looked at, evenly spread: 1,024 samples put random data near 7.8 bits and text near 4.5. */
const SAMPLES = 1024;

type ZstdZlib = typeof zlib & {
  zstdCompressSync?: (b: Uint8Array, o?: object) => Buffer;
  zstdDecompressSync?: (b: Uint8Array, o?: object) => Buffer;
};
const z = zlib as ZstdZlib;

/** Whether this runtime can do `name` (zstd needs Node 22.15 / 23.8 or later). */
export function compressionAvailable(name: string): name is CompressionName {
  if (name === 'zstd') return typeof z.zstdCompressSync === 'function';
  return name === 'none' || name === 'gzip' || name === 'brotli';
}

export function checkCompression(name: string, where: string): CompressionName {
  if (name === 'zstd' && !compressionAvailable(name)) {
    throw new UsageError(`${where}: core.compression = "zstd" needs Node 22.15 or later (this is ${process.version})`, 'use "brotli" (the default), "gzip" or "none"');
  }
  if (!compressionAvailable(name)) throw new UsageError(`${where}: core.compression must be "brotli", "gzip", "zstd" or "none", not "${name}"`);
  return name;
}

/** Shannon entropy (bits per byte) of up to SAMPLES bytes spread evenly over `data`. */
export function sampleEntropy(data: Uint8Array): number {
  const counts = new Uint32Array(256);
  const step = Math.max(1, Math.floor(data.length / SAMPLES));
  let n = 0;
  for (let i = 0; i < data.length && n < SAMPLES; i += step, n++) counts[data[i]]++;
  if (n === 0) return 0;
  let h = 0;
  for (let b = 0; b < 256; b++) {
    if (counts[b] === 0) continue;
    const p = counts[b] / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The stored form of a chunk: `undefined` means "store raw". */
export function compressChunk(data: Uint8Array, name: CompressionName): { codec: number; bytes: Uint8Array } | undefined {
  if (name === 'none' || data.length < MIN_SIZE || sampleEntropy(data) > ENTROPY_LIMIT) return undefined;
  let out: Buffer;
  if (name === 'brotli') {
    out = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 3, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  } else if (name === 'gzip') out = zlib.gzipSync(data, { level: 6 });
  else out = z.zstdCompressSync!(data);
  // Not worth a decompression on every read unless it saves something real.
  if (out.length > data.length - Math.max(16, data.length >>> 6)) return undefined;
  return { codec: CODEC[name], bytes: out };
}

/** Decompresses a stored chunk; never produces more than `length` bytes (a forged ref cannot bomb memory). */
export function decompressChunk(stored: Uint8Array, codec: number, length: number, what: string): Buffer {
  const opts = { maxOutputLength: Math.max(1, length) };
  try {
    if (codec === CODEC.brotli) return zlib.brotliDecompressSync(stored, opts);
    if (codec === CODEC.gzip) return zlib.gunzipSync(stored, opts);
    if (codec === CODEC.zstd && z.zstdDecompressSync) return z.zstdDecompressSync(stored, opts);
  } catch (e) {
    throw new CorruptDataError(`${what}: does not decompress (${(e as Error).message})`);
  }
  throw new CorruptDataError(`${what}: unknown codec ${codec}`);
}
