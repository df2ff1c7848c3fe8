// The public library. Every CLI command is a thin layer over these methods; they return data and never
// print. This file holds opening/creating stores and the writers (add, rm, commit, import: they take the
// store lock) and the working tree (status, ignore rules); what only reads is in store-reader.ts.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fromHex, toHex } from '../core/digest.js';
import { CorruptDataError, DigstoreError, ExistsError, NoStoreError, UsageError, fromSystemError, NotFoundError } from '../core/errors.js';
import { isFullUrn, parseUrn } from '../core/urn.js';
import { checkCompression } from '../core/compression.js';
import { addEntry, scanDirectory, toRel, type ScanResult } from '../ingest/scan.js';
import { IGNORE_FILE, IgnoreRules, type IgnoreVerdict } from '../ingest/ignore-rules.js';
import { sortByPath } from '../core/paths.js';
import { stageDeletions, stageFiles, type AddSummary } from '../ingest/stage-files.js';
import type { PipelineOptions } from '../ingest/pipeline.js';
import { normalizeUserPath } from '../retrieve/resolve.js';
import { Archive } from '../store/archive.js';
import { ChunkIndex } from '../store/chunk-index.js';
import { commitStaged, type CommitResult } from '../store/commit.js';
import { chunkingParams, loadConfig, type Config } from '../store/config.js';
import { resolveHome, storePaths, type StorePaths } from '../store/home.js';
import { acquireLock } from '../store/lock.js';
import { readAt } from '../store/fs-utils.js';
import { EXPORT_HINT, importArchive, type ImportResult } from '../store/transfer.js';
import { compactArchive, planGc, type GcReport } from '../store/compact.js';
import { EXPORT_HEADER_SIZE, decodeExportHeader } from '../core/codecs/export-codec.js';
import { LINK_FILE, LINK_VERSION, encodeLink, findProjectRoot, readLink } from '../store/project.js';
import { loadStaging, saveStaging } from '../store/staging.js';
import { loadStatCache, saveStatCache } from '../store/stat-cache.js';
import { LOCK_WAIT_MS, type AddOptions, type CommitOptions, type InitOptions, type OpenOptions } from './options.js';
import { computeStatus, type StatusResult } from './status.js';
import { findDeletions } from './deletions.js';
import { selectTracked, unlinkWorkingFiles, unsafeToDelete, type RmOptions, type RmResult } from './remove.js';

import { StoreReader } from './store-reader.js';

export type { LogEntry, ResolvedTarget, StoreInfo } from './store-reader.js';

export interface AddResult extends AddSummary {
  skipped: Array<{ path: string; reason: string }>;
}

export class Store extends StoreReader {
  private constructor(projectRoot: string, storeId: string, paths: StorePaths, config: Config) {
    super(projectRoot, storeId, paths, config);
  }

  static init(dir: string, opts: InitOptions = {}): Store {
    const projectRoot = resolve(dir);
    const home = resolveHome(opts.home);
    const storeId = opts.storeId ?? toHex(randomBytes(32));
    fromHex(storeId, 'store ID');
    const linkPath = join(projectRoot, LINK_FILE);
    try {
      statSync(linkPath);
      throw new ExistsError(`${projectRoot} is already a digstore project`, `its link file is ${linkPath}`);
    } catch (e) {
      if (e instanceof ExistsError) throw e;
    }
    const paths = storePaths(home, storeId);
    // Naming an existing store (one made by `import`, or used by another project) links this directory to it.
    const linkOnly = opts.storeId !== undefined && existsSync(paths.archive);
    if (linkOnly) Archive.open(paths.archive).close();
    if (!linkOnly) {
      try {
        mkdirSync(home, { recursive: true });
        Archive.create(paths.archive, fromHex(storeId), Date.now());
        // Write the (empty) chunk-index cache now, so a store's files do not change until something is stored.
        const archive = Archive.open(paths.archive);
        try {
          ChunkIndex.load(paths.chunkIndex, archive);
        } finally {
          archive.close();
        }
        if (opts.compression) writeFileSync(paths.config, `[core]\ncompression = "${checkCompression(opts.compression, 'init')}"\n`);
      } catch (e) {
        if (e instanceof DigstoreError) throw e;
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ExistsError(`store ${storeId} already exists in ${home}`);
        throw fromSystemError(e, `cannot create the store in ${home}`);
      }
    }
    const link = { version: LINK_VERSION, store_id: storeId, repository_name: opts.name ?? '', created_at: new Date().toISOString() };
    try {
      writeFileSync(linkPath, encodeLink(link), { flag: 'wx' });
    } catch (e) {
      throw fromSystemError(e, `cannot write ${linkPath}`);
    }
    return Store.open(projectRoot, opts);
  }

  /**
   * Recreates or extends a store from an export file (store/transfer.ts), verifying every hash first;
   * importing the same file again changes nothing. Needs no project: the store is found by its ID.
   */
  static async import(file: string, opts: OpenOptions & { lockWaitMs?: number } = {}): Promise<ImportResult> {
    let header;
    try {
      const fd = openSync(file, 'r');
      try {
        header = decodeExportHeader(readAt(fd, 0, EXPORT_HEADER_SIZE), file);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if (e instanceof CorruptDataError) throw new CorruptDataError(e.message, EXPORT_HINT);
      throw e instanceof DigstoreError ? e : fromSystemError(e, `cannot read ${file}`);
    }
    const home = resolveHome(opts.home);
    mkdirSync(home, { recursive: true });
    const paths = storePaths(home, toHex(header.storeId));
    const lock = await acquireLock(paths.lock, opts.lockWaitMs ?? LOCK_WAIT_MS);
    try {
      if (existsSync(paths.archive)) {
        const a = Archive.open(paths.archive);
        try {
          if (loadStaging(paths.staging, a).entries.length > 0 && a.seq < header.finalGeneration) {
            throw new UsageError(`store ${toHex(header.storeId)} has staged changes that an import would drop`, 'commit them first');
          }
        } finally {
          a.close();
        }
      }
      return importArchive(paths.archive, file);
    } finally {
      lock.release();
    }
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
      throw new NotFoundError(`no store ${storeId} in ${paths.home}`, 'set DIGSTORE_HOME to the store home that holds it');
    }
    Archive.open(paths.archive).close();
    return new Store('', storeId!, paths, loadConfig([paths.globalConfig, paths.config]));
  }

  /** Opens the project containing `dir` (found by walking up to its `.digstore`). */
  static open(dir: string, opts: OpenOptions = {}): Store {
    const projectRoot = findProjectRoot(dir);
    const link = readLink(projectRoot);
    const paths = storePaths(resolveHome(opts.home), link.store_id);
    const config = loadConfig([paths.globalConfig, paths.config]);
    Archive.open(paths.archive).close(); // fail now, clearly, if the store is missing or unreadable
    return new Store(projectRoot, link.store_id, paths, config);
  }

  /** Working-tree commands need the project; a store opened by URN has none. */
  private requireProject(): void {
    if (this.projectRoot === '') throw new NoStoreError('this store was opened by its URN, without a project', 'run the command inside the project');
  }

  private rules(force?: boolean): IgnoreRules | undefined {
    this.requireProject();
    return force ? undefined : new IgnoreRules(this.projectRoot);
  }

  /**
   * Resolves user paths (relative to `cwd`) to the files to stage; checks everything before writing
   * anything. As git does, naming an ignored path is an error unless forced.
   */
  private collect(paths: readonly string[], recursive: boolean, cwd: string, force?: boolean): ScanResult {
    if (paths.length === 0) throw new UsageError('nothing specified to add', 'give paths, or -A for the whole project');
    const out: ScanResult = { files: [], skipped: [] };
    const rules = this.rules(force);
    const ignored: string[] = [];
    for (const p of paths) {
      const abs = resolve(cwd, p);
      const rel = toRel(this.projectRoot, abs);
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
        throw new UsageError(`'${p}' is outside the project ${this.projectRoot}`);
      }
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fromSystemError(e, p);
        // Gone from disk: staged as a deletion if tracked (checked against the store in stage()).
        (out.scopes ??= []).push({ rel: normalizeUserPath(rel), kind: 'missing', recursive, arg: p });
        continue;
      }
      if (rel !== '' && rules && this.ignoredWithParents(rules, rel, st.isDirectory()).ignored) {
        ignored.push(rel);
        continue;
      }
      if (st.isDirectory()) {
        if (!recursive) throw new UsageError(`'${p}' is a directory`, 'use -r to add a directory');
        scanDirectory(this.projectRoot, abs, true, out, rules);
        (out.scopes ??= []).push({ rel, kind: 'dir', recursive, arg: p });
      } else if (rel === LINK_FILE) {
        throw new UsageError(`'${p}' is the project link file and is never stored`);
      } else {
        addEntry(out, abs, normalizeUserPath(rel), st);
      }
    }
    if (ignored.length > 0) {
      throw new UsageError(`${ignored.length === 1 ? `'${ignored[0]}' is` : `${ignored.length} paths are`} ignored by a ${IGNORE_FILE} file: ${ignored.join(', ')}`, 'use -f to add it anyway');
    }
    const seen = new Set<string>();
    out.files = out.files.filter((f) => !seen.has(f.rel) && seen.add(f.rel));
    return out;
  }

  /** git's verdict for `rel`, including its parent directories (an ignored directory hides everything below). */
  private ignoredWithParents(rules: IgnoreRules, rel: string, isDir: boolean): IgnoreVerdict {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const v = rules.check(parts.slice(0, i).join('/'), true);
      if (v.ignored) return v;
    }
    return rules.check(rel, isDir);
  }

  /** For each path, whether `.digignore` rules exclude it and which file, line and pattern decided. */
  checkIgnore(paths: readonly string[], cwd = process.cwd()): Array<{ path: string } & IgnoreVerdict> {
    this.requireProject();
    const rules = new IgnoreRules(this.projectRoot);
    return paths.map((p) => {
      const abs = resolve(cwd, p);
      const rel = toRel(this.projectRoot, abs);
      if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
        throw new UsageError(`'${p}' is outside the project ${this.projectRoot}`);
      }
      let isDir = p.endsWith('/');
      try {
        isDir = lstatSync(abs).isDirectory();
      } catch {
        // a path that does not exist is checked as named
      }
      return { path: normalizeUserPath(rel), ...this.ignoredWithParents(rules, rel, isDir) };
    });
  }

  /** The project-relative paths `add` would consider, sorted (UTF-8 byte order), without staging anything. */
  addDryRun(paths: readonly string[] | 'all', opts: AddOptions & { cwd?: string } = {}): string[] {
    const scan = paths === 'all' ? this.scanAll(opts.force) : this.collect(paths, opts.recursive ?? false, opts.cwd ?? process.cwd(), opts.force);
    // Named paths that do not exist must be tracked (their deletion would be staged); otherwise it is an error.
    const missing = (scan.scopes ?? []).filter((s) => s.kind === 'missing');
    if (missing.length > 0) {
      this.withArchive((a) => findDeletions(this.projectRoot, [...this.headMap(a).keys(), ...loadStaging(this.paths.staging, a).entries.map((e) => e.path)], new Set(), missing));
    }
    return sortByPath(scan.files.map((f) => ({ path: f.rel }))).map((f) => f.path);
  }

  private scanAll(force?: boolean, dir = this.projectRoot, recursive = true): ScanResult {
    this.requireProject();
    const abs = resolve(this.projectRoot, dir);
    const rel = toRel(this.projectRoot, abs);
    const scan: ScanResult = { files: [], skipped: [], scopes: recursive ? [{ rel, kind: 'dir', recursive, arg: dir }] : [] };
    scanDirectory(this.projectRoot, abs, recursive, scan, this.rules(force));
    return scan;
  }

  async add(paths: readonly string[], opts: AddOptions & { cwd?: string } = {}): Promise<AddResult> {
    const scan = this.collect(paths, opts.recursive ?? false, opts.cwd ?? process.cwd(), opts.force);
    return this.stage(scan, opts);
  }

  /** Adds every file under `dir` (project-relative or absolute) that `.digignore` rules do not exclude. */
  async addDirectory(dir: string, opts: AddOptions = {}): Promise<AddResult> {
    return this.stage(this.scanAll(opts.force, dir, opts.recursive ?? true), opts);
  }

  private pipelineOptions(opts: AddOptions): PipelineOptions {
    const c = this.config;
    return {
      params: chunkingParams(c), compression: c.core.compression, workers: opts.workers ?? c.performance.workers, batchSize: opts.batchSize,
      minBatch: c.adaptive.min_batch_size, maxBatch: c.adaptive.max_batch_size,
      streamingThreshold: opts.streamingThreshold ?? c.large_files.streaming_threshold,
      onProgress: opts.onProgress, signal: opts.signal,
    };
  }

  private async stage(scan: ScanResult, opts: AddOptions): Promise<AddResult> {
    const lock = await acquireLock(this.paths.lock, opts.lockWaitMs ?? LOCK_WAIT_MS);
    const archive = Archive.open(this.paths.archive);
    try {
      const statCache = loadStatCache(this.paths.statCache);
      const head = this.headMap(archive);
      const before = loadStaging(this.paths.staging, archive);
      const tracked = [...new Set([...head.keys(), ...before.entries.filter((e) => !e.deleted).map((e) => e.path)])];
      const deletions = findDeletions(this.projectRoot, tracked, new Set(scan.files.map((f) => f.rel)), scan.scopes ?? []);
      const { staging, summary, statCacheChanged } = await stageFiles(
        {
          archivePath: this.paths.archive, committedLength: archive.sb.committedLength,
          chunkIndex: ChunkIndex.load(this.paths.chunkIndex, archive), staging: before, head, statCache,
        },
        scan.files,
        this.pipelineOptions(opts),
        deletions,
      );
      saveStaging(this.paths.staging, staging);
      if (statCacheChanged) saveStatCache(this.paths.statCache, statCache.values());
      return { ...summary, skipped: scan.skipped.map((s) => ({ path: s.rel, reason: s.reason })) };
    } finally {
      archive.close();
      lock.release();
    }
  }

  /** Stages the deletion of tracked files (see api/remove.ts); paths are relative to `opts.cwd`. */
  async rm(paths: readonly string[], opts: RmOptions & { cwd?: string } = {}): Promise<RmResult> {
    this.requireProject();
    if (paths.length === 0) throw new UsageError('nothing specified to remove', 'give paths');
    const names = paths.map((p) => {
      const rel = toRel(this.projectRoot, resolve(opts.cwd ?? process.cwd(), p));
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) throw new UsageError(`'${p}' is outside the project ${this.projectRoot}`);
      return rel === '' ? '' : normalizeUserPath(rel);
    });
    const lock = await acquireLock(this.paths.lock, opts.lockWaitMs ?? LOCK_WAIT_MS);
    const archive = Archive.open(this.paths.archive);
    try {
      const head = this.headMap(archive);
      const staging = loadStaging(this.paths.staging, archive);
      const tracked = [...new Set([...head.keys(), ...staging.entries.filter((e) => !e.deleted).map((e) => e.path)])];
      const removed = selectTracked(names, tracked, opts.recursive ?? false);
      if (!opts.cached && !opts.force) {
        const unsafe = unsafeToDelete(this.projectRoot, removed, head);
        if (unsafe.length > 0) {
          throw new UsageError(`${unsafe.length === 1 ? `'${unsafe[0]}' has` : `${unsafe.length} files have`} content that is not committed: ${unsafe.slice(0, 5).join(', ')}`,
            'use --cached to keep the working file, or -f to delete it anyway');
        }
      }
      const entries = new Map(staging.entries.map((e) => [e.path, e]));
      stageDeletions(entries, head, removed);
      saveStaging(this.paths.staging, { ...staging, entries: [...entries.values()] });
      return { removed: sortByPath(removed.map((path) => ({ path }))).map((e) => e.path), unlinked: opts.cached ? [] : unlinkWorkingFiles(this.projectRoot, removed) };
    } finally {
      archive.close();
      lock.release();
    }
  }

  /**
   * Drops what no generation needs (store/compact.ts): chunks staged and replaced before a commit, superseded
   * layer indexes; with `keepHistory` N, the data of generations before the last N (their roots stay).
   * Every root is kept. `dryRun` only reports.
   */
  async gc(opts: { dryRun?: boolean; keepHistory?: number; lockWaitMs?: number } = {}): Promise<GcReport> {
    const keep = opts.keepHistory;
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) throw new UsageError(`--keep-history must be a whole number >= 1, not ${keep}`);
    if (opts.dryRun) return this.withArchive((a) => planGc(a, keep));
    const lock = await acquireLock(this.paths.lock, opts.lockWaitMs ?? LOCK_WAIT_MS);
    try {
      const staged = this.withArchive((a) => loadStaging(this.paths.staging, a).entries.length);
      if (staged > 0) throw new UsageError('there are staged changes: gc rewrites the archive and would drop them', 'commit them first');
      const r = compactArchive(this.paths.archive, keep);
      // Chunk offsets moved: the chunk index cache is rebuilt on next use.
      if (r.rewritten) rmSync(this.paths.chunkIndex, { force: true });
      return r;
    } finally {
      lock.release();
    }
  }

  async commit(message: string, opts: CommitOptions = {}): Promise<CommitResult> {
    if (message.trim() === '') throw new UsageError('empty commit message', 'give one with -m MESSAGE');
    const author = opts.author ?? ([this.config.user.name, this.config.user.email && `<${this.config.user.email}>`].filter(Boolean).join(' '));
    const lock = await acquireLock(this.paths.lock, opts.lockWaitMs ?? LOCK_WAIT_MS);
    try {
      return commitStaged(this.paths, message, author, chunkingParams(this.config), {
        full: opts.full, chainLimit: this.config.core.delta_chain_limit, signal: opts.signal,
      });
    } finally {
      lock.release();
    }
  }

  status(): StatusResult {
    this.requireProject();
    return this.withArchive((a) =>
      computeStatus(this.projectRoot, this.headMap(a), loadStaging(this.paths.staging, a).entries, loadStatCache(this.paths.statCache), new IgnoreRules(this.projectRoot)),
    );
  }
}
