// The public library. Every CLI command is a thin layer over these methods; they return data and never
// print. This file holds opening/creating stores and the writers (add, rm, commit, import: they take the
// store lock) and the working tree (status, ignore rules); what only reads is in store-reader.ts.
import type { LongOperation } from '../store/interrupt.js';
import { assertOpens, withLock, withWriter } from '../store/access.js';
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { NoStoreError, UsageError, NotFoundError, RefusedError } from '../core/errors.js';
import { isFullUrn, parseUrn } from '../core/urn.js';
import { scanDirectory, toRel, type ScanResult } from '../ingest/scan.js';
import { IgnoreRules, type IgnoreVerdict } from '../ingest/ignore-rules.js';
import { sortByPath } from '../core/paths.js';
import { stageDeletions, stageFiles, type AddSummary } from '../ingest/stage-files.js';
import type { PipelineOptions } from '../ingest/pipeline.js';
import { normalizeUserPath } from '../retrieve/resolve.js';
import { ChunkIndex } from '../store/chunk-index.js';
import { commitStaged, type CommitResult } from '../store/commit.js';
import { chunkingParams, loadConfig, type Config } from '../store/config.js';
import { resolveHome, storePaths, type StorePaths } from '../store/home.js';
import type { ImportResult } from '../store/transfer.js';
import { compactArchive, planGc, type GcReport } from '../store/compact.js';
import { findProjectRoot, readLink } from '../store/project.js';
import { loadStaging, saveStaging } from '../store/staging.js';
import { StatCache } from '../store/stat-cache.js';
import type { AddOptions, CommitOptions, InitOptions, OpenOptions } from './options.js';
import { computeStatus, type StatusResult } from '../worktree/status.js';
import { findDeletions, trackedPaths } from '../worktree/deletions.js';
import {
  selectTracked,
  unlinkWorkingFiles,
  unsafeToDelete,
  type RmOptions,
  type RmResult,
} from '../worktree/remove.js';

import { StoreReader } from './store-reader.js';
import { checkIgnorePaths, collectPaths } from '../worktree/select-paths.js';
import { createStore, importStore } from './store-create.js';

export type { LogEntry, ResolvedTarget, StoreInfo, StoredFile } from './store-reader.js';

export interface AddResult extends AddSummary {
  skipped: Array<{ path: string; reason: string }>;
}

export class Store extends StoreReader {
  private constructor(projectRoot: string, storeId: string, paths: StorePaths, config: Config) {
    super(projectRoot, storeId, paths, config);
  }

  /**
   * Creates a store under the store home (`opts.home`, default `$DIGSTORE_HOME` or ~/.dig) and links `dir` to
   * it with a `.digstore` file; with `opts.storeId` naming an existing store, only links. Compression defaults
   * to the global config's (brotli).
   * @throws ExistsError when `dir` is already a project.
   * @example const store = Store.init('/path/to/project', { compression: 'gzip' });
   */
  static init(dir: string, opts: InitOptions = {}): Store {
    return Store.open(createStore(dir, opts), opts);
  }

  /**
   * Recreates or extends a store from an export file (store/transfer.ts), verifying every hash first;
   * importing the same file again changes nothing. Needs no project: the store is found by its ID.
   */
  static import(file: string, opts: OpenOptions & LongOperation & { lockWaitMs?: number } = {}): Promise<ImportResult> {
    return importStore(file, opts);
  }

  /**
   * Opens the store a full URN names (found by its ID under the store home, from any directory), or else
   * the project containing `cwd`.
   */
  static openFor(target: string | undefined, cwd: string, opts: OpenOptions = {}): Store {
    if (target === undefined || !isFullUrn(target)) return Store.open(cwd, opts);
    const { storeId } = parseUrn(target);
    const paths = storePaths(resolveHome(opts.home), storeId!);
    if (!existsSync(paths.archive)) {
      throw new NotFoundError(
        `no store ${storeId} in ${paths.home}`,
        'set DIGSTORE_HOME to the store home that holds it',
      );
    }
    assertOpens(paths);
    return new Store('', storeId!, paths, loadConfig([paths.globalConfig, paths.config]));
  }

  /** Opens the project containing `dir` (found by walking up to its `.digstore`). */
  static open(dir: string, opts: OpenOptions = {}): Store {
    const projectRoot = findProjectRoot(dir);
    const link = readLink(projectRoot);
    const paths = storePaths(resolveHome(opts.home), link.store_id);
    const config = loadConfig([paths.globalConfig, paths.config]);
    assertOpens(paths);
    return new Store(projectRoot, link.store_id, paths, config);
  }

  /**
   * Opens the project's store without reading its archive first: for `check`, which must report a store that
   * no longer opens (truncated, both superblocks damaged) instead of failing on it.
   */
  static openForCheck(dir: string, opts: OpenOptions = {}): Store {
    const projectRoot = findProjectRoot(dir);
    const link = readLink(projectRoot);
    const paths = storePaths(resolveHome(opts.home), link.store_id);
    return new Store(projectRoot, link.store_id, paths, loadConfig([paths.globalConfig, paths.config]));
  }

  /** Working-tree commands need the project; a store opened by URN has none. */
  private requireProject(): void {
    if (this.projectRoot === '')
      throw new NoStoreError(
        'this store was opened by its URN, without a project',
        'run the command inside the project',
      );
  }

  private rules(force?: boolean): IgnoreRules | undefined {
    this.requireProject();
    return force ? undefined : new IgnoreRules(this.projectRoot);
  }

  /** Resolves user paths to the files to stage (worktree/select-paths.ts). */
  private collect(paths: readonly string[], recursive: boolean, cwd: string, force?: boolean): ScanResult {
    return collectPaths(this.projectRoot, this.rules(force), paths, recursive, cwd);
  }

  /** For each path, whether `.digignore` rules exclude it and which file, line and pattern decided. */
  checkIgnore(paths: readonly string[], cwd = this.projectRoot): Array<{ path: string } & IgnoreVerdict> {
    this.requireProject();
    return checkIgnorePaths(this.projectRoot, paths, cwd);
  }

  /** The project-relative paths `add` would consider, sorted (UTF-8 byte order), without staging anything. */
  addDryRun(paths: readonly string[] | 'all', opts: AddOptions & { cwd?: string } = {}): string[] {
    const scan =
      paths === 'all'
        ? this.scanAll(opts.force)
        : this.collect(paths, opts.recursive ?? false, opts.cwd ?? this.projectRoot, opts.force);
    // Named paths that do not exist must be tracked (their deletion would be staged); otherwise it is an error.
    const missing = (scan.scopes ?? []).filter((s) => s.kind === 'missing');
    if (missing.length > 0) {
      this.withArchive((a) =>
        findDeletions(
          this.projectRoot,
          trackedPaths(this.headMap(a), loadStaging(this.paths.staging, a).entries),
          new Set(),
          missing,
        ),
      );
    }
    return sortByPath(scan.files.map((f) => ({ path: f.rel }))).map((f) => f.path);
  }

  private scanAll(force?: boolean, dir = this.projectRoot, recursive = true): ScanResult {
    this.requireProject();
    const abs = resolve(this.projectRoot, dir);
    const rel = toRel(this.projectRoot, abs);
    const scan: ScanResult = {
      files: [],
      skipped: [],
      scopes: recursive ? [{ rel, kind: 'dir', recursive, arg: dir }] : [],
    };
    scanDirectory(this.projectRoot, abs, recursive, scan, this.rules(force), true); // stat deferred to the readers
    return scan;
  }

  /**
   * Stages files (directories with `recursive`), honouring `.digignore` unless `force`; a tracked path gone
   * from disk stages its deletion. Paths are relative to the project (absolute ones inside it are accepted),
   * or to `opts.cwd` when given. Unreadable files and directories are listed in `failed`, the rest staged. Waits `lockWaitMs` (default 5000) for another writer.
   * @example await store.add(['notes.txt', 'src'], { recursive: true, onProgress: (e) => {} });
   */
  async add(paths: readonly string[], opts: AddOptions & { cwd?: string } = {}): Promise<AddResult> {
    const scan = this.collect(paths, opts.recursive ?? false, opts.cwd ?? this.projectRoot, opts.force);
    return this.stage(scan, opts);
  }

  /** Adds every file under `dir` (project-relative or absolute) that `.digignore` rules do not exclude. */
  async addDirectory(dir: string, opts: AddOptions = {}): Promise<AddResult> {
    return this.stage(this.scanAll(opts.force, dir, opts.recursive ?? true), opts);
  }

  private pipelineOptions(opts: AddOptions): PipelineOptions {
    const c = this.config;
    return {
      params: chunkingParams(c),
      compression: c.core.compression,
      workers: opts.workers ?? c.performance.workers,
      batchSize: opts.batchSize,
      targetBatchBytes: c.small_files.batch_size * c.small_files.chunk_avg,
      minBatch: c.adaptive.min_batch_size,
      maxBatch: c.adaptive.max_batch_size,
      streamingThreshold: opts.streamingThreshold ?? c.large_files.streaming_threshold,
      onProgress: opts.onProgress,
      signal: opts.signal,
    };
  }

  private stage(scan: ScanResult, opts: AddOptions): Promise<AddResult> {
    return withWriter(this.paths, { wait: opts.lockWaitMs }, async (archive) => {
      const head = this.headMap(archive);
      const statCache = StatCache.load(this.paths.statCache, head);
      const before = loadStaging(this.paths.staging, archive);
      // What could not be read (an unreadable directory) is not gone: nothing under it is staged as deleted.
      const unread = (scan.failed ?? []).map((f) => f.rel);
      const tracked = trackedPaths(head, before.entries);
      const deletions = findDeletions(
        this.projectRoot,
        tracked,
        new Set(tracked.size > 0 ? scan.files.map((f) => f.rel) : []),
        scan.scopes ?? [],
      ).filter((p) => !unread.some((u) => u === '.' || p === u || p.startsWith(`${u}/`)));
      const { staging, summary, statCacheChanged } = await stageFiles(
        {
          archivePath: this.paths.archive,
          committedLength: archive.sb.committedLength,
          chunkIndex: ChunkIndex.load(this.paths.chunkIndex, archive),
          staging: before,
          head,
          statCache,
        },
        scan.files,
        this.pipelineOptions(opts),
        deletions,
      );
      saveStaging(this.paths.staging, staging);
      if (statCacheChanged) statCache.save(this.paths.statCache);
      return {
        ...summary,
        failed: [...(scan.failed ?? []).map((f) => ({ path: f.rel, reason: f.reason })), ...summary.failed],
        skipped: scan.skipped.map((s) => ({ path: s.rel, reason: s.reason })),
      };
    });
  }

  /** Stages the deletion of tracked files (see worktree/remove.ts); paths are relative to the project, or to `opts.cwd`. */
  async rm(paths: readonly string[], opts: RmOptions & { cwd?: string } = {}): Promise<RmResult> {
    this.requireProject();
    if (paths.length === 0) throw new UsageError('nothing specified to remove', 'give paths');
    const names = paths.map((p) => {
      const rel = toRel(this.projectRoot, resolve(opts.cwd ?? this.projectRoot, p));
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel))
        throw new UsageError(`'${p}' is outside the project ${this.projectRoot}`);
      return rel === '' ? '' : normalizeUserPath(rel);
    });
    return withWriter(this.paths, { wait: opts.lockWaitMs }, (archive) => {
      const head = this.headMap(archive);
      const staging = loadStaging(this.paths.staging, archive);
      const removed = selectTracked(names, trackedPaths(head, staging.entries), opts.recursive ?? false);
      if (!opts.cached && !opts.force) {
        const unsafe = unsafeToDelete(this.projectRoot, removed, head);
        if (unsafe.length > 0) {
          throw new RefusedError(
            `${unsafe.length === 1 ? `'${unsafe[0]}' has` : `${unsafe.length} files have`} content that is not committed: ${unsafe.slice(0, 5).join(', ')}`,
            'use --cached to keep the working file, or -f to delete it anyway',
          );
        }
      }
      const { records } = stageDeletions(staging.entries, head, removed);
      saveStaging(this.paths.staging, { ...staging, entries: records });
      return {
        removed: sortByPath(removed.map((path) => ({ path }))).map((e) => e.path),
        unlinked: opts.cached ? [] : unlinkWorkingFiles(this.projectRoot, removed),
      };
    });
  }

  /**
   * Drops what no generation needs (store/compact.ts): chunks staged and replaced before a commit, superseded
   * layer indexes; with `keepHistory` N, the data of generations before the last N (their roots stay).
   * Every root is kept. `dryRun` only reports.
   */
  async gc(
    opts: LongOperation & { dryRun?: boolean; keepHistory?: number; lockWaitMs?: number } = {},
  ): Promise<GcReport> {
    const keep = opts.keepHistory;
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1))
      throw new UsageError(`--keep-history must be a whole number >= 1, not ${keep}`);
    if (opts.dryRun) return this.withArchive((a) => planGc(a, keep));
    return withLock(this.paths, { wait: opts.lockWaitMs }, async () => {
      const staged = this.withArchive((a) => loadStaging(this.paths.staging, a).entries.count);
      if (staged > 0)
        throw new UsageError(
          'there are staged changes: gc rewrites the archive and would drop them',
          'commit them first',
        );
      const r = await compactArchive(this.paths.archive, keep, opts);
      // Chunk offsets moved: the chunk index cache is rebuilt on next use.
      if (r.rewritten) {
        rmSync(this.paths.chunkIndex, { force: true });
        rmSync(this.paths.rootIndex, { force: true });
      }
      return r;
    });
  }

  /**
   * Writes the staged changes as the next generation (a delta layer, or a full one every
   * `core.delta_chain_limit` generations or with `full`) and makes it visible in one atomic step. The author
   * defaults to the config's `user.name <user.email>`.
   * @throws NothingToCommitError when nothing is staged; UsageError for an empty message.
   * @example const { root, generation } = await store.commit('first', { author: 'me <me@example.org>' });
   */
  async commit(message: string, opts: CommitOptions = {}): Promise<CommitResult> {
    if (message.trim() === '') throw new UsageError('empty commit message', 'give one with -m MESSAGE');
    const author =
      opts.author ??
      [this.config.user.name, this.config.user.email && `<${this.config.user.email}>`].filter(Boolean).join(' ');
    return withLock(this.paths, { wait: opts.lockWaitMs }, () =>
      commitStaged(this.paths, message, author, chunkingParams(this.config), {
        full: opts.full,
        chainLimit: this.config.core.delta_chain_limit,
        signal: opts.signal,
      }),
    );
  }

  /**
   * The working tree against the latest generation and the staging area: staged, modified, deleted and
   * untracked paths (ignored files are not listed). Unchanged files are recognised by the stat cache.
   * @example const { staged, modified } = store.status();
   */
  status(): StatusResult {
    this.requireProject();
    return this.withArchive((a) => {
      const head = this.headMap(a);
      return computeStatus(
        this.projectRoot,
        head,
        loadStaging(this.paths.staging, a).entries.entries(),
        StatCache.load(this.paths.statCache, head),
        new IgnoreRules(this.projectRoot),
      );
    });
  }
}
