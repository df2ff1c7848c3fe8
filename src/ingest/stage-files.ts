// `add`: decides which files need reading (stat cache), runs the pipeline on them, and turns the results
// into staged entries. Chunk bytes are appended to the archive (invisible until a commit); the caller
// saves the staging file only after they are durable.
import { equalBytes, ZERO_HASH } from '../core/digest.js';
import type { Staging, StatKey } from '../core/codecs/staging-codec.js';
import { StagedRecords } from '../core/codecs/staged-records.js';
import type { FileEntry } from '../core/types.js';
import { ChunkAppender } from '../store/chunk-appender.js';
import type { ChunkIndex } from '../store/chunk-index.js';
import { isCacheable, sameStat, type StatCache } from '../store/stat-cache.js';
import { ChunkWriter } from './chunk-writer.js';
import { statWhereNeeded } from './deferred-stat.js';
import { runPipeline, type IngestedFile, type PipelineOptions } from './pipeline.js';
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
  const old = ctx.staging.entries;
  const oldIndex = old.count > 0 ? new Map(old.paths.map((p, i) => [p, i])) : undefined;
  let unchanged = 0,
    skippedByStatCache = 0,
    staged = 0,
    bytes = 0,
    statCacheChanged = false;

  const failedBeforeRead: Array<{ rel: string; reason: string }> = [];
  // Files the stat cache may skip need their stat now; the others' is taken by the workers as they read.
  const scanned = statWhereNeeded(files, (f) => oldIndex?.has(f.rel) || ctx.statCache.has(f.rel), failedBeforeRead);
  const toRead = scanned.filter((f) => {
    const s = oldIndex?.get(f.rel);
    if (
      s !== undefined &&
      !old.deleted(s) &&
      old.mode(s) === modeOf(f) &&
      sameStat(f, { ...old.stat(s), size: old.size(s) })
    ) {
      unchanged++;
      skippedByStatCache++;
      return false;
    }
    const c = ctx.statCache.get(f.rel);
    const h = ctx.head.get(f.rel);
    if (s === undefined && c && h && h.mode === modeOf(f) && equalBytes(c.hash, h.hash) && sameStat(f, c)) {
      unchanged++;
      skippedByStatCache++;
      return false;
    }
    return true;
  });

  // Each file read becomes a record as its result arrives: no object per file is kept.
  const fresh = StagedRecords.create();
  const dropped = new Set<string>(); // staged earlier, now equal to the committed file again
  const onFile = (d: IngestedFile): void => {
    bytes += d.size;
    const f = d.file;
    const cacheable = d.size === f.size && isCacheable(f, readStartedAt);
    const prev = ctx.head.get(f.rel);
    if (prev && prev.mode === modeOf(f) && equalBytes(prev.hash, d.hash)) {
      // Same as committed: nothing to stage (an earlier staged change to it is undone, as in git).
      if (oldIndex?.has(f.rel)) dropped.add(f.rel);
      unchanged++;
      if (cacheable) {
        const { mtimeMs, ctimeMs, ino } = f;
        ctx.statCache.set(f.rel, { path: f.rel, size: d.size, mtimeMs, ctimeMs, ino, hash: d.hash });
        statCacheChanged = true;
      }
      return;
    }
    staged++;
    const stat = cacheable ? { mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino } : NO_STAT;
    fresh.add({ ...d, path: f.rel, mode: modeOf(f) }, stat);
  };

  const out = new ChunkAppender(ctx.archivePath, ctx.staging.dataEnd, ctx.committedLength);
  const writer = new ChunkWriter(out, ctx.chunkIndex, ctx.staging.newChunks);
  let result;
  try {
    result = await runPipeline(toRead, writer, opts, onFile);
  } catch (e) {
    await out.abort();
    throw e;
  }
  const dataEnd = await out.finish();

  const { records, deleted } = stageDeletions(withFresh(old, fresh, dropped), ctx.head, deletions);
  const staging: Staging = { ...ctx.staging, dataEnd, entries: records, newChunks: writer.newChunks };
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

/** The earlier staged records minus those `fresh` replaces or `dropped` undoes, then `fresh`. */
function withFresh(old: StagedRecords, fresh: StagedRecords, dropped: ReadonlySet<string>): StagedRecords {
  if (old.count === 0) return fresh;
  const replaced = new Set(fresh.paths);
  const out = StagedRecords.create();
  for (let i = 0; i < old.count; i++) if (!replaced.has(old.paths[i]) && !dropped.has(old.paths[i])) out.copy(old, i);
  for (let i = 0; i < fresh.count; i++) out.copy(fresh, i);
  return out;
}

/**
 * Stages the removal of `paths`: a committed path gets a deletion marker; a path that was only staged is
 * simply unstaged. Returns the new records and how many paths this changed.
 */
export function stageDeletions(
  staged: StagedRecords,
  head: ReadonlyMap<string, FileEntry>,
  paths: readonly string[],
): { records: StagedRecords; deleted: number } {
  if (paths.length === 0) return { records: staged, deleted: 0 };
  const gone = new Set(paths);
  const alreadyMarked = new Set<string>();
  const out = StagedRecords.create();
  let n = 0;
  for (let i = 0; i < staged.count; i++) {
    const p = staged.paths[i];
    if (!gone.has(p)) out.copy(staged, i);
    else if (staged.deleted(i)) alreadyMarked.add(p);
    else if (!head.has(p)) n++;
  }
  for (const path of gone) {
    if (!head.has(path)) continue;
    if (!alreadyMarked.has(path)) n++;
    out.add({ path, mode: 0, size: 0, hash: ZERO_HASH, chunkRoot: ZERO_HASH, chunks: [], deleted: true }, NO_STAT);
  }
  return { records: out, deleted: n };
}
