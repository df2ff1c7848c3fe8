// `add`: decides which files need reading (stat cache), runs the pipeline on them, and turns the results
// into staged entries. Chunk bytes are appended to the archive (invisible until a commit); the caller
// saves the staging file only after they are durable.
import { equalBytes, ZERO_HASH } from '../core/digest.js';
import type { Staging, StagedEntry, StatKey } from '../core/codecs/staging-codec.js';
import type { FileEntry } from '../core/types.js';
import { ChunkAppender } from '../store/chunk-appender.js';
import type { ChunkIndex } from '../store/chunk-index.js';
import { isCacheable, sameStat, type StatCache } from '../store/stat-cache.js';
import { ChunkWriter } from './chunk-writer.js';
import { statWhereNeeded } from './deferred-stat.js';
import { runPipeline, type PipelineOptions } from './pipeline.js';
import { modeOf, type ScannedFile } from './scan.js';

export interface AddSummary {
  /** Files considered. */
  files: number;
  /** Files staged by this call (new or changed). */
  staged: number;
  /** Files equal to what is staged or committed (including those skipped by the stat cache). */
  unchanged: number;
  /** Files not read at all thanks to the stat cache. */
  skippedByStatCache: number;
  /** Tracked files staged as deleted (gone from disk, or removed with `rm`). */
  deleted: number;
  bytes: number;
  newChunks: number;
  /** Uncompressed bytes of the new chunks, and what they take on disk. */
  newBytes: number;
  storedBytes: number;
  reusedChunks: number;
  reusedBytes: number;
  failed: Array<{ path: string; reason: string }>;
  elapsedMs: number;
}

export interface StageContext {
  archivePath: string;
  committedLength: number;
  chunkIndex: ChunkIndex;
  staging: Staging;
  head: ReadonlyMap<string, FileEntry>;
  statCache: StatCache;
}

const NO_STAT: StatKey = { mtimeMs: 0, ctimeMs: 0, ino: 0 };

export async function stageFiles(
  ctx: StageContext,
  files: readonly ScannedFile[],
  opts: PipelineOptions,
  deletions: readonly string[] = [],
): Promise<{ staging: Staging; summary: AddSummary; statCacheChanged: boolean }> {
  const started = performance.now();
  const readStartedAt = Date.now();
  const entries = new Map<string, StagedEntry>(ctx.staging.entries.map((e) => [e.path, e]));
  let unchanged = 0,
    skippedByStatCache = 0,
    staged = 0,
    statCacheChanged = false;

  const failedBeforeRead: Array<{ rel: string; reason: string }> = [];
  // Files the stat cache may skip need their stat now; the others' is taken by the workers as they read.
  const scanned = statWhereNeeded(files, (f) => entries.has(f.rel) || ctx.statCache.has(f.rel), failedBeforeRead);
  const toRead = scanned.filter((f) => {
    const s = entries.get(f.rel);
    if (s && !s.deleted && s.mode === modeOf(f) && sameStat(f, { ...s.stat, size: s.size })) {
      unchanged++;
      skippedByStatCache++;
      return false;
    }
    const c = ctx.statCache.get(f.rel);
    const h = ctx.head.get(f.rel);
    if (!s && c && h && h.mode === modeOf(f) && equalBytes(c.hash, h.hash) && sameStat(f, c)) {
      unchanged++;
      skippedByStatCache++;
      return false;
    }
    return true;
  });

  const out = new ChunkAppender(ctx.archivePath, ctx.staging.dataEnd, ctx.committedLength);
  const writer = new ChunkWriter(out, ctx.chunkIndex, ctx.staging.newChunks.slice());
  let result;
  try {
    result = await runPipeline(toRead, writer, opts);
  } catch (e) {
    await out.abort();
    throw e;
  }
  const dataEnd = await out.finish();

  let bytes = 0;
  for (const d of result.done) {
    bytes += d.size;
    const f = d.file;
    const cacheable = d.size === f.size && isCacheable(f, readStartedAt);
    const prev = ctx.head.get(f.rel);
    if (prev && prev.mode === modeOf(f) && equalBytes(prev.hash, d.hash)) {
      // Same as committed: nothing to stage (an earlier staged change to it is undone, as in git).
      entries.delete(f.rel);
      unchanged++;
      if (cacheable) {
        ctx.statCache.set(f.rel, {
          path: f.rel,
          size: d.size,
          mtimeMs: f.mtimeMs,
          ctimeMs: f.ctimeMs,
          ino: f.ino,
          hash: d.hash,
        });
        statCacheChanged = true;
      }
      continue;
    }
    staged++;
    entries.set(f.rel, {
      path: f.rel,
      mode: modeOf(f),
      size: d.size,
      hash: d.hash,
      chunkRoot: d.chunkRoot,
      chunks: d.chunks,
      stat: cacheable ? { mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino } : NO_STAT,
    });
  }
  const deleted = stageDeletions(entries, ctx.head, deletions);
  const staging: Staging = { ...ctx.staging, dataEnd, entries: [...entries.values()], newChunks: writer.newChunks };
  const summary: AddSummary = {
    files: files.length,
    staged,
    unchanged,
    skippedByStatCache,
    deleted,
    bytes,
    ...writer.stats,
    failed: [...failedBeforeRead, ...result.failed].map((f) => ({ path: f.rel, reason: f.reason })),
    elapsedMs: performance.now() - started,
  };
  return { staging, summary, statCacheChanged };
}

/** A committed path gets a deletion marker; a path that was only staged is simply unstaged. */
export function stageDeletions(
  entries: Map<string, StagedEntry>,
  head: ReadonlyMap<string, FileEntry>,
  paths: readonly string[],
): number {
  let n = 0;
  for (const path of paths) {
    if (head.has(path)) {
      if (!entries.get(path)?.deleted) n++;
      entries.set(path, {
        path,
        mode: 0,
        size: 0,
        hash: ZERO_HASH,
        chunkRoot: ZERO_HASH,
        chunks: [],
        deleted: true,
        stat: NO_STAT,
      });
    } else if (entries.delete(path)) n++;
  }
  return n;
}
