// Read-only views of a store's history and contents: what `history`, `layers`, `info`, `inspect`, `size`,
// `stats`, `diff` and `find` print. Each returns plain data (the CLI formats it, --json prints it as is).
// Layer headers come from LayerView, so listing 1,000 layers never decodes 1,000 file indexes.
import { statSync } from 'node:fs';
import ignore from 'ignore';
import { toHex, equalBytes } from '../core/digest.js';
import { comparePaths } from '../core/paths.js';
import type { FileEntry } from '../core/types.js';
import type { Archive } from '../store/archive.js';
import { applyDelta, generationFiles } from '../store/generations.js';

export interface HistoryEntry {
  generation: number;
  root: string;
  layerRoot: string;
  /** The layer that records this generation (generation n is layer n; full, delta or pruned: see `type`). */
  layer: number;
  type: 'full' | 'delta' | 'pruned';
  timestamp: number;
  time: string;
  message: string;
  author: string;
  files: number;
  /** Bytes of chunk data this generation's layer added to the archive (new content, after dedup and compression). */
  dataBytes: number;
}

/** Generations `start` to `end` - 1 (0-based, oldest first; all by default): only those layer records are read. */
export function history(a: Archive, start = 0, end = a.seq): HistoryEntry[] {
  return a.index.range(start + 1, end).map((e) => {
    // A pruned generation keeps its roots but no layer record: no message, author or file count to read.
    const v = e.type === 'pruned' ? undefined : a.layerView(e.number);
    return {
      generation: e.number,
      root: toHex(e.storeRoot),
      layerRoot: toHex(e.layerRoot),
      layer: e.number,
      type: e.type,
      timestamp: e.timestamp,
      time: new Date(e.timestamp).toISOString(),
      message: v?.message ?? '',
      author: v?.author ?? '',
      files: v?.totalFiles ?? 0,
      dataBytes: v?.dataLength ?? 0,
    };
  });
}

export interface LayerInfo {
  number: number;
  type: 'full' | 'delta' | 'pruned';
  timestamp: number;
  /** File entries this layer records (a delta: only the changes and deletions). */
  entries: number;
  /** Files in the generation it completes. */
  files: number;
  /** New chunks whose bytes this layer's data region holds. */
  chunks: number;
  dataBytes: number;
  recordBytes: number;
  layerRoot: string;
  root: string;
}

export function layers(a: Archive): LayerInfo[] {
  return a.layers.map((e) => {
    if (e.type === 'pruned') {
      return {
        number: e.number,
        type: e.type,
        timestamp: e.timestamp,
        entries: 0,
        files: 0,
        chunks: 0,
        dataBytes: 0,
        recordBytes: 0,
        layerRoot: toHex(e.layerRoot),
        root: toHex(e.storeRoot),
      };
    }
    const v = a.layerView(e.number);
    return {
      number: e.number,
      type: e.type,
      timestamp: e.timestamp,
      entries: v.fileCount,
      files: v.totalFiles,
      chunks: v.chunkCount,
      dataBytes: e.dataLength,
      recordBytes: e.recordLength,
      layerRoot: toHex(e.layerRoot),
      root: toHex(e.storeRoot),
    };
  });
}

export interface InspectResult extends LayerInfo {
  message: string;
  author: string;
  parentRoot: string;
  recordOffset: number;
  dataOffset: number;
  blockRoots: number;
  sections: Array<{ name: string; offset: number; length: number }>;
  params: unknown;
  checksum: 'ok' | string;
}

/** Every header field of layer `n`; a damaged record is reported in `checksum`, not thrown. */
export function inspectLayer(a: Archive, n: number): InspectResult {
  const e = a.layerEntry(n);
  const base = {
    number: n,
    type: e.type,
    timestamp: e.timestamp,
    dataBytes: e.dataLength,
    recordBytes: e.recordLength,
    layerRoot: toHex(e.layerRoot),
    root: toHex(e.storeRoot),
    recordOffset: e.recordOffset,
    dataOffset: e.dataOffset,
  };
  try {
    const v = a.layerView(n);
    return {
      ...base,
      entries: v.fileCount,
      files: v.totalFiles,
      chunks: v.chunkCount,
      message: v.message,
      author: v.author,
      parentRoot: toHex(v.parentRoot),
      blockRoots: v.blockRoots.length,
      sections: v.sections,
      params: v.params,
      checksum: 'ok',
    };
  } catch (err) {
    return {
      ...base,
      entries: 0,
      files: 0,
      chunks: 0,
      message: '',
      author: '',
      parentRoot: '',
      blockRoots: 0,
      sections: [],
      params: null,
      checksum: (err as Error).message,
    };
  }
}

export interface SizeReport {
  /** Bytes of the files of the latest generation. */
  logicalLatest: number;
  /** Bytes of every file of every generation (what keeping each generation whole would cost). */
  logicalAllGenerations: number;
  /** Chunk bytes stored (each chunk once), as on disk (compressed where that helped). */
  storedData: number;
  /** The same chunks uncompressed. */
  chunkBytes: number;
  /** Layer records, indexes and headers. */
  storedMetadata: number;
  archiveBytes: number;
  /** 1 - chunkBytes / logicalAllGenerations: what storing each chunk once saves. */
  dedupSavings: number;
  /** 1 - storedData / chunkBytes: what compression saves on top. */
  compressionSavings: number;
}

export function sizeReport(a: Archive): SizeReport {
  let logicalAll = 0;
  let data = 0;
  let chunkBytes = 0;
  let files: FileEntry[] = [];
  for (const e of a.storedLayers) {
    data += e.dataLength;
    const l = a.readLayer(e.number);
    for (const c of l.chunkIndex) chunkBytes += c.length;
    files = l.type === 'full' ? l.files : applyDelta(files, l.files);
    logicalAll += sumSizes(files);
  }
  const latest = sumSizes(files);
  const archiveBytes = a.sb.committedLength;
  return {
    logicalLatest: latest,
    logicalAllGenerations: logicalAll,
    storedData: data,
    storedMetadata: archiveBytes - data,
    archiveBytes,
    chunkBytes,
    dedupSavings: logicalAll === 0 ? 0 : 1 - chunkBytes / logicalAll,
    compressionSavings: chunkBytes === 0 ? 0 : 1 - data / chunkBytes,
  };
}

const sumSizes = (files: readonly FileEntry[]) => files.reduce((s, f) => s + f.size, 0);

export interface StatsReport {
  generations: number;
  files: number;
  bytes: number;
  /** Distinct chunks in the store, and their sizes. */
  chunks: number;
  chunkBytes: number;
  chunkSize: { min: number; avg: number; max: number };
  /** Chunk count by size class: key is the upper bound (power of two) in bytes. */
  histogram: Record<string, number>;
  /** Chunk references in the latest generation / distinct chunks they name. */
  dedupRatio: number;
}

export function statsReport(a: Archive, storeFiles: number): StatsReport {
  const sizes: number[] = [];
  for (const e of a.storedLayers) for (const c of a.readLayer(e.number).chunkIndex) sizes.push(c.length);
  const files = generationFiles(a, a.seq);
  let refs = 0;
  const distinct = new Set<number>();
  for (const f of files) {
    refs += f.chunks.length;
    for (const c of f.chunks) distinct.add(c.offset);
  }
  const histogram: Record<string, number> = {};
  for (const s of sizes) {
    const bound = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, s))));
    histogram[bound] = (histogram[bound] ?? 0) + 1;
  }
  const total = sizes.reduce((x, y) => x + y, 0);
  return {
    generations: a.seq,
    files: storeFiles,
    bytes: sumSizes(files),
    chunks: sizes.length,
    chunkBytes: total,
    chunkSize: {
      min: sizes.length ? Math.min(...sizes) : 0,
      avg: sizes.length ? Math.round(total / sizes.length) : 0,
      max: sizes.length ? Math.max(...sizes) : 0,
    },
    histogram,
    dedupRatio: distinct.size === 0 ? 1 : refs / distinct.size,
  };
}

export interface DiffEntry {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  size?: number;
  hash?: string;
}

export function diffFiles(from: readonly FileEntry[], to: readonly FileEntry[]): DiffEntry[] {
  const before = new Map(from.map((f) => [f.path, f]));
  const out: DiffEntry[] = [];
  for (const f of to) {
    const b = before.get(f.path);
    if (!b) out.push({ path: f.path, change: 'added', size: f.size, hash: toHex(f.hash) });
    else if (!equalBytes(b.hash, f.hash) || b.mode !== f.mode)
      out.push({ path: f.path, change: 'modified', size: f.size, hash: toHex(f.hash) });
    before.delete(f.path);
  }
  for (const f of before.values()) out.push({ path: f.path, change: 'deleted' });
  return out.sort((x, y) => comparePaths(x.path, y.path));
}

/** Paths matching a gitignore-style pattern (`*.txt` at any depth, `src/**` anchored, …). */
export function findFiles(files: readonly FileEntry[], pattern: string): FileEntry[] {
  const m = ignore().add(pattern);
  return files.filter((f) => m.ignores(f.path));
}

export function archiveSize(path: string): number {
  return statSync(path).size;
}
