// The public library. Every CLI command is a thin layer over these methods; they return data and never
// print. Writers take the store lock; readers open the archive at its latest committed generation.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fromHex, toHex } from '../core/digest.js';
import { ExistsError, IntegrityError, NoStoreError, UsageError, fromSystemError, NotFoundError } from '../core/errors.js';
import type { Proof } from '../core/proof-json.js';
import { formatUrn, isFullUrn, parseTarget, parseUrn, resolveRange } from '../core/urn.js';
import { verifyProof } from '../core/verify-proof.js';
import { proveFile, proveLayer } from '../retrieve/prove.js';
import { readEntry, readRequest } from '../retrieve/read-target.js';
import { extractFiles, type ExtractResult } from '../retrieve/extract.js';
import type { FileEntry } from '../core/types.js';
import { addEntry, scanDirectory, toRel, type ScanResult } from '../ingest/scan.js';
import { IGNORE_FILE, IgnoreRules, type IgnoreVerdict } from '../ingest/ignore-rules.js';
import { sortByPath } from '../core/paths.js';
import { stageDeletions, stageFiles, type AddSummary } from '../ingest/stage-files.js';
import type { PipelineOptions } from '../ingest/pipeline.js';
import { findFile, normalizeUserPath, resolveGeneration } from '../retrieve/resolve.js';
import { Archive } from '../store/archive.js';
import { ChunkIndex } from '../store/chunk-index.js';
import { commitStaged, generationFiles, type CommitResult } from '../store/commit.js';
import { checkArchive, type CheckReport } from '../store/check.js';
import { chunkingParams, loadConfig, type Config } from '../store/config.js';
import { resolveHome, storePaths, type StorePaths } from '../store/home.js';
import { acquireLock } from '../store/lock.js';
import { LINK_FILE, LINK_VERSION, encodeLink, findProjectRoot, readLink } from '../store/project.js';
import { loadStaging, saveStaging } from '../store/staging.js';
import { loadStatCache, saveStatCache } from '../store/stat-cache.js';
import { LOCK_WAIT_MS, type AddOptions, type CommitOptions, type GetOptions, type InitOptions, type OpenOptions, type ProveOptions } from './options.js';
import { computeStatus, type StatusResult } from './status.js';
import { findDeletions } from './deletions.js';
import {
  archiveSize, diffFiles, findFiles, history, inspectLayer, layers, sizeReport, statsReport,
  type DiffEntry, type HistoryEntry, type InspectResult, type LayerInfo, type SizeReport, type StatsReport,
} from './inspect.js';
import { selectTracked, unlinkWorkingFiles, unsafeToDelete, type RmOptions, type RmResult } from './remove.js';

export interface AddResult extends AddSummary {
  skipped: Array<{ path: string; reason: string }>;
}

export interface StoreInfo {
  storeId: string;
  project: string | null;
  home: string;
  archive: string;
  archiveBytes: number;
  createdAt: string;
  generations: number;
  root: string | null;
  files: number;
  staged: number;
}

export interface ResolvedTarget {
  storeId: string;
  generation: number;
  root: string;
  path?: string;
  size?: number;
  hash?: string;
  range?: { start: number; end: number };
  /** The canonical full URN, pinned to the root. */
  urn: string;
}

export interface LogEntry {
  generation: number;
  root: string;
  layerRoot: string;
  timestamp: number;
  message: string;
  author: string;
  files: number;
}

export class Store {
  private constructor(
    /** The project directory (holding `.digstore`). */
    readonly projectRoot: string,
    readonly storeId: string,
    readonly paths: StorePaths,
    readonly config: Config,
  ) {}

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
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ExistsError(`store ${storeId} already exists in ${home}`);
      throw fromSystemError(e, `cannot create the store in ${home}`);
    }
    const link = { version: LINK_VERSION, store_id: storeId, repository_name: opts.name ?? '', created_at: new Date().toISOString() };
    try {
      writeFileSync(linkPath, encodeLink(link), { flag: 'wx' });
    } catch (e) {
      throw fromSystemError(e, `cannot write ${linkPath}`);
    }
    return Store.open(projectRoot, opts);
  }

  /** Opens the project containing `dir` (found by walking up to its `.digstore`). */
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

  static open(dir: string, opts: OpenOptions = {}): Store {
    const projectRoot = findProjectRoot(dir);
    const link = readLink(projectRoot);
    const paths = storePaths(resolveHome(opts.home), link.store_id);
    const config = loadConfig([paths.globalConfig, paths.config]);
    Archive.open(paths.archive).close(); // fail now, clearly, if the store is missing or unreadable
    return new Store(projectRoot, link.store_id, paths, config);
  }

  private withArchive<T>(fn: (a: Archive) => T): T {
    const a = Archive.open(this.paths.archive);
    try {
      return fn(a);
    } finally {
      a.close();
    }
  }

  private headMap(a: Archive): Map<string, FileEntry> {
    return new Map(generationFiles(a, a.seq).map((f) => [f.path, f]));
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
      params: chunkingParams(c), workers: opts.workers ?? c.performance.workers, batchSize: opts.batchSize,
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

  /** Generations, newest first. */
  log(limit = Infinity): LogEntry[] {
    return this.withArchive((a) => history(a).reverse().slice(0, limit).map((h) => ({
      generation: h.generation, root: h.root, layerRoot: h.layerRoot, timestamp: h.timestamp, message: h.message, author: h.author, files: h.files,
    })));
  }

  /** Every generation, oldest first: the root history. */
  history(): HistoryEntry[] {
    return this.withArchive(history);
  }

  layers(): LayerInfo[] {
    return this.withArchive(layers);
  }

  /** Header fields, sections and checksum status of layer `n`. */
  inspect(n: number): InspectResult {
    return this.withArchive((a) => inspectLayer(a, n));
  }

  info(): StoreInfo {
    return this.withArchive((a) => ({
      storeId: this.storeId, project: this.projectRoot || null, home: this.paths.home, archive: this.paths.archive,
      archiveBytes: archiveSize(this.paths.archive), createdAt: new Date(a.sb.createdAt).toISOString(), generations: a.seq,
      root: a.seq === 0 ? null : toHex(a.layerEntry(a.seq).storeRoot), files: a.seq === 0 ? 0 : a.layerView(a.seq).totalFiles,
      staged: loadStaging(this.paths.staging, a).entries.length,
    }));
  }

  size(): SizeReport {
    return this.withArchive(sizeReport);
  }

  stats(): StatsReport {
    return this.withArchive((a) => statsReport(a, a.seq === 0 ? 0 : a.layerView(a.seq).totalFiles));
  }

  /** What the next commit would record: staged additions, modifications and deletions. */
  staged(): DiffEntry[] {
    return this.withArchive((a) => {
      const head = this.headMap(a);
      return sortByPath(loadStaging(this.paths.staging, a).entries.map((e): DiffEntry => (e.deleted
        ? { path: e.path, change: 'deleted' }
        : { path: e.path, change: head.has(e.path) ? 'modified' : 'added', size: e.size, hash: toHex(e.hash) })));
    });
  }

  /** Files added, modified and deleted from generation `from` to generation `to` (roots or prefixes). */
  diff(from: string, to?: string): DiffEntry[] {
    return this.withArchive((a) => diffFiles(generationFiles(a, resolveGeneration(a, from)), generationFiles(a, resolveGeneration(a, to))));
  }

  /** Files of a generation whose path matches a gitignore-style pattern. */
  find(pattern: string, opts: { root?: string } = {}): FileEntry[] {
    if (pattern.trim() === '') throw new UsageError('empty pattern', 'give a pattern such as *.txt or src/**');
    return this.withArchive((a) => findFiles(generationFiles(a, resolveGeneration(a, opts.root)), pattern));
  }

  /** What a URN (or short form) names here: store, generation and root, path and resolved byte range. */
  resolve(target: string): ResolvedTarget {
    return this.withArchive((a) => {
      const urn = parseTarget(target);
      if (urn.storeId !== undefined && urn.storeId !== this.storeId) throw new UsageError(`'${target}' names store ${urn.storeId}, not this store (${this.storeId})`);
      const generation = resolveGeneration(a, urn.root);
      const root = toHex(a.layerEntry(generation).storeRoot);
      if (urn.path === undefined) return { storeId: this.storeId, generation, root, urn: formatUrn({ storeId: this.storeId, root }) };
      const f = findFile(a, generation, urn.path);
      const range = urn.range ? resolveRange(urn.range, f.size) : undefined;
      return {
        storeId: this.storeId, generation, root, path: f.path, size: f.size, hash: toHex(f.hash), ...(range && { range }),
        urn: formatUrn({ storeId: this.storeId, root, path: f.path, range: urn.range }),
      };
    });
  }

  /** The committed file entry `target` names (a path or URN; latest generation unless `opts.root`). */
  stat(target: string, opts: GetOptions = {}): FileEntry & { generation: number; root: string; layerReads: number } {
    return this.withArchive((a) => this.lookup(a, target, opts).entry);
  }

  private lookup(a: Archive, target: string, opts: GetOptions) {
    const req = readRequest(this.storeId, target, opts);
    const generation = resolveGeneration(a, req.root);
    const entry = findFile(a, generation, normalizeUserPath(req.path));
    return { req, generation, entry: { ...entry, generation, root: toHex(a.layerEntry(generation).storeRoot), layerReads: a.layerReads } };
  }

  /** The content `target` names (whole file or its byte range), in memory. Use `getTo` for large files. */
  get(target: string, opts: GetOptions = {}): Buffer {
    const parts: Buffer[] = [];
    this.withArchive((a) => {
      const { req, entry } = this.lookup(a, target, opts);
      for (const c of readEntry(a, entry, req.range)) parts.push(Buffer.from(c));
    });
    return Buffer.concat(parts);
  }

  /**
   * Streams the content `target` names to `sink` chunk by chunk (flat memory for large files). With
   * `verify`, the file's entry is first proven against the generation's root and every byte is checked
   * before the first one reaches `sink`.
   */
  async getTo(target: string, sink: (chunk: Buffer) => Promise<void> | void, opts: GetOptions = {}): Promise<FileEntry> {
    const a = Archive.open(this.paths.archive);
    try {
      const { req, generation, entry } = this.lookup(a, target, opts);
      if (opts.verify) {
        const v = verifyProof(proveFile(a, generation, entry.path, req.range));
        if (!v.valid) throw new IntegrityError(`${entry.path}: does not verify against root ${entry.root}: ${v.reason}`);
        for (const _ of readEntry(a, entry, req.range)); // every chunk and the whole-file hash checked
      }
      for (const c of readEntry(a, entry, req.range)) await sink(c);
      return entry;
    } finally {
      a.close();
    }
  }

  /**
   * Writes the stored files under `path` (a file or directory; the whole generation when omitted) into
   * `dest`, recreating their project-relative paths; never writes outside `dest` (retrieve/extract.ts).
   */
  extract(path: string | undefined, dest: string, opts: { root?: string; force?: boolean } = {}): ExtractResult {
    return this.withArchive((a) => {
      const req = path === undefined ? undefined : readRequest(this.storeId, path, opts);
      if (req?.range) throw new UsageError('extract writes whole files', 'use get --bytes for a byte range');
      const g = resolveGeneration(a, req?.root ?? opts.root);
      const all = generationFiles(a, g);
      const files = req === undefined ? all : all.filter((f) => f.path === req.path || f.path.startsWith(`${req.path}/`));
      if (files.length === 0) throw new NotFoundError(`'${path}' matches no file in generation ${g}`, 'see `digstore find`');
      return extractFiles(a, files, resolve(dest), opts.force);
    });
  }

  /** A proof of the file or byte range `target` names, or with `opts.layer` of a layer (docs/proofs.md). */
  prove(target: string | undefined, opts: ProveOptions = {}): Proof {
    return this.withArchive((a) => {
      if (opts.layer !== undefined) {
        if (target !== undefined) throw new UsageError('give a file or --layer, not both');
        return proveLayer(a, resolveGeneration(a, opts.root), opts.layer);
      }
      if (target === undefined) throw new UsageError('nothing to prove', 'give a path or URN, or --layer N');
      const { req, generation, entry } = this.lookup(a, target, opts);
      return proveFile(a, generation, entry.path, req.range);
    });
  }

  /** Verifies the store (see store/check.ts); `deep` re-hashes every chunk. Never throws for damage: reports it. */
  check(opts: { deep?: boolean; layer?: number } = {}): CheckReport {
    return checkArchive(this.paths.archive, opts);
  }

  countFilesInCommit(root?: string): number {
    return this.withArchive((a) => {
      const g = resolveGeneration(a, root);
      return g === 0 ? 0 : a.layerView(g).totalFiles;
    });
  }

  /** Root hash of the latest generation, or undefined before the first commit. */
  root(): string | undefined {
    return this.withArchive((a) => {
      const l = a.latest();
      return l ? toHex(l.storeRoot) : undefined;
    });
  }
}
