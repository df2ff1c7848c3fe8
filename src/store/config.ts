// Configuration: one exported DEFAULTS, overridden by the global `$DIGSTORE_HOME/config.toml` and then by
// the store's own `{storeId}.toml`. Keys follow the spec's TOML sections. Loading never mutates DEFAULTS.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { UsageError } from '../core/errors.js';
import type { ChunkingParams } from '../core/types.js';
import { checkCompression, type CompressionName } from '../core/compression.js';

export interface Config {
  user: { name: string; email: string };
  core: { compression: CompressionName; delta_chain_limit: number };
  small_files: {
    batch_size: number;
    chunk_min: number;
    chunk_avg: number;
    chunk_max: number;
    skip_chunking_threshold: number;
  };
  medium_files: { chunk_min: number; chunk_avg: number; chunk_max: number };
  large_files: { streaming_threshold: number; chunk_min: number; chunk_avg: number; chunk_max: number };
  adaptive: {
    small_file_threshold: number;
    large_file_threshold: number;
    min_batch_size: number;
    max_batch_size: number;
  };
  performance: { workers: number | 'auto' };
  remote: { settle_ms: number };
}

export const DEFAULTS: Readonly<Config> = Object.freeze({
  user: { name: '', email: '' },
  // delta_chain_limit: a full layer at least every N generations, so any root resolves in <= N layer reads.
  // compression: brotli is Node 20's best built-in (zstd arrives in Node 22.15; see core/compression.ts).
  core: { compression: 'brotli' as CompressionName, delta_chain_limit: 10 },
  small_files: { batch_size: 200, chunk_min: 1024, chunk_avg: 4096, chunk_max: 16384, skip_chunking_threshold: 4096 },
  // Not in the spec's table: files between the small and large thresholds. 64 KiB average keeps per-chunk
  // bookkeeping low for multi-megabyte files while still deduplicating edits well.
  medium_files: { chunk_min: 16384, chunk_avg: 65536, chunk_max: 262144 },
  large_files: { streaming_threshold: 104857600, chunk_min: 524288, chunk_avg: 1048576, chunk_max: 4194304 },
  adaptive: { small_file_threshold: 65536, large_file_threshold: 104857600, min_batch_size: 50, max_batch_size: 500 },
  performance: { workers: 'auto' as const },
  // How long a pushed generation object must be listed before it counts, on servers without conditional
  // writes (docs/remote.md): more than their 1 s timestamps, plus a second of listing lag.
  remote: { settle_ms: 2000 },
});

type Table = Record<string, unknown>;

function mergeInto(base: Table, over: Table, where: string, prefix = ''): void {
  for (const [k, v] of Object.entries(over)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!(k in base)) throw new UsageError(`${where}: unknown setting '${key}'`, 'see docs/config.md for the settings');
    const cur = base[k];
    if (cur !== null && typeof cur === 'object') {
      if (typeof v !== 'object' || v === null) throw new UsageError(`${where}: '${key}' must be a table`);
      mergeInto(cur as Table, v as Table, where, key);
    } else if (key === 'performance.workers') {
      if (v !== 'auto' && !(Number.isInteger(v) && (v as number) >= 0))
        throw new UsageError(`${where}: '${key}' must be 'auto' or a whole number >= 0`);
      base[k] = v;
    } else if (typeof cur === 'number') {
      if (!Number.isSafeInteger(v) || (v as number) < 0)
        throw new UsageError(`${where}: '${key}' must be a whole number >= 0`);
      base[k] = v;
    } else {
      if (typeof v !== 'string') throw new UsageError(`${where}: '${key}' must be a string`);
      base[k] = v;
    }
  }
}

/** A config file's text, or undefined when there is no such file. */
export function readConfigText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** TOML text as a table; invalid TOML is a UsageError naming `where`. */
export function parseToml(text: string, where: string, hint?: string): Table {
  try {
    return parse(text) as Table;
  } catch (e) {
    throw new UsageError(`${where}: invalid TOML (${(e as Error).message.split('\n')[0]})`, hint);
  }
}

/** Parses TOML text and applies it on top of `base` (a fresh copy is returned). */
export function applyToml(base: Config, text: string, where: string): Config {
  const parsed = parseToml(text, where);
  const out = structuredClone(base) as Config;
  mergeInto(out as unknown as Table, parsed, where);
  checkCompression(out.core.compression, where);
  return out;
}

export function loadConfig(files: readonly string[]): Config {
  let cfg = structuredClone(DEFAULTS) as Config;
  for (const f of files) {
    const text = readConfigText(f);
    if (text !== undefined) cfg = applyToml(cfg, text, f);
  }
  return cfg;
}

export function chunkingParams(cfg: Config): ChunkingParams {
  const s = cfg.small_files,
    m = cfg.medium_files,
    l = cfg.large_files,
    a = cfg.adaptive;
  return {
    skipChunkingThreshold: s.skip_chunking_threshold,
    smallFileThreshold: a.small_file_threshold,
    largeFileThreshold: a.large_file_threshold,
    normalization: 1,
    small: { minSize: s.chunk_min, avgSize: s.chunk_avg, maxSize: s.chunk_max },
    medium: { minSize: m.chunk_min, avgSize: m.chunk_avg, maxSize: m.chunk_max },
    large: { minSize: l.chunk_min, avgSize: l.chunk_avg, maxSize: l.chunk_max },
  };
}
