// The read side of the public library: everything that looks at committed generations (history, files,
// byte ranges, proofs, checks, exports). Readers open the archive at its latest committed generation and never
// take the lock. Store (store.ts) adds the writers and the working tree on top.
import { writeAllToFd } from '../store/fs-utils.js';
import type { LongOperation } from '../store/interrupt.js';
import { withReader } from '../store/access.js';
import { resolve } from 'node:path';
import { toHex } from '../core/digest.js';
import { IntegrityError, UsageError, NotFoundError } from '../core/errors.js';
import type { Proof } from '../core/codecs/proof-codec.js';
import { formatUrn, resolveRange } from '../core/urn.js';
import { verifyProof } from '../core/verify-proof.js';
import { proveFile, proveLayer } from '../retrieve/prove.js';
import { coveringChunks, parseTargetIn, preferLiteral, readEntry, readRequest } from '../retrieve/read-target.js';
import { openRemote } from '../remote/open-remote.js';
import { fetchChunks, type FetchCounts } from './lazy.js';
import { extractFiles, type ExtractResult } from '../retrieve/extract.js';
import { writeFileAtomically } from '../retrieve/atomic-file.js';
import type { ChunkRef, FileEntry } from '../core/types.js';
import { sortByPath } from '../core/paths.js';
import { findFile, resolveGeneration } from '../retrieve/resolve.js';
import type { Archive } from '../store/archive.js';
import { findEntry, generationFiles } from '../store/generations.js';
import { HeadFiles } from '../store/head-files.js';
import { type CheckOptions, checkArchive, type CheckReport } from '../store/check.js';
import type { Config } from '../store/config.js';
import type { StorePaths } from '../store/home.js';
import { exportArchive, type ExportResult } from '../store/transfer.js';
import { loadStaging } from '../store/staging.js';
import type { GetOptions, ProveOptions } from './options.js';
import {
  archiveSize,
  diffFiles,
  findFiles,
  history,
  inspectLayer,
  layers,
  sizeReport,
  statsReport,
  type DiffEntry,
  type HistoryEntry,
  type InspectResult,
  type LayerInfo,
  type SizeReport,
  type StatsReport,
} from './inspect.js';

/**
 * A committed file entry, with the generation it was read at and how many layer records that took; in a lazy
 * clone, what reading it fetched from the remote (`fetched`, when anything was).
 */
export type StoredFile = FileEntry & { generation: number; root: string; layerReads: number; fetched?: FetchCounts };

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

export class StoreReader {
  protected constructor(
    /** The project directory (holding `.digstore`). */
    readonly projectRoot: string,
    readonly storeId: string,
    readonly paths: StorePaths,
    readonly config: Config,
  ) {}

  protected withArchive<T>(fn: (a: Archive) => T): T {
    return withReader(this.paths, fn);
  }

  /** The latest generation by path, without chunk refs (store/head-files.ts): for comparing, never for reading content. */
  protected headMap(a: Archive): HeadFiles {
    return new HeadFiles(a, a.seq);
  }

  /** Generations, newest first. */
  log(limit = Infinity): LogEntry[] {
    return this.withArchive((a) =>
      // Only the layers shown are read: `log -n 10` of 10,000 generations read all 10,000 records (0.9 s).
      history(a, Number.isFinite(limit) ? Math.max(0, a.seq - Math.max(0, limit)) : 0)
        .reverse()
        .map((h) => ({
          generation: h.generation,
          root: h.root,
          layerRoot: h.layerRoot,
          timestamp: h.timestamp,
          message: h.message,
          author: h.author,
          files: h.files,
        })),
    );
  }

  /** Every generation, oldest first: the root history. */
  history(): HistoryEntry[] {
    return this.withArchive(history);
  }

  /** Every layer: number, type (full, delta or pruned), entries, files of its generation and sizes. */
  layers(): LayerInfo[] {
    return this.withArchive(layers);
  }

  /** Header fields, sections and checksum status of layer `n`. */
  inspect(n: number): InspectResult {
    return this.withArchive((a) => inspectLayer(a, n));
  }

  /** The store at a glance: ID, name, generations, latest root, files, staged entries, archive size. */
  info(): StoreInfo {
    return this.withArchive((a) => ({
      storeId: this.storeId,
      project: this.projectRoot || null,
      home: this.paths.home,
      archive: this.paths.archive,
      archiveBytes: archiveSize(this.paths.archive),
      createdAt: new Date(a.sb.createdAt).toISOString(),
      generations: a.seq,
      root: a.seq === 0 ? null : toHex(a.layerEntry(a.seq).storeRoot),
      files: a.seq === 0 ? 0 : a.layerView(a.seq).totalFiles,
      staged: loadStaging(this.paths.staging, a).entries.count,
    }));
  }

  /** Logical bytes (latest generation and all of history) against stored bytes: dedup and compression savings. */
  size(): SizeReport {
    return this.withArchive(sizeReport);
  }

  /** Chunk counts, their size distribution and the dedup ratio over the whole store. */
  stats(): StatsReport {
    return this.withArchive((a) => statsReport(a, a.seq === 0 ? 0 : a.layerView(a.seq).totalFiles));
  }

  /** What the next commit would record: staged additions, modifications and deletions. */
  staged(): DiffEntry[] {
    return this.withArchive((a) => {
      const head = this.headMap(a);
      return sortByPath(
        loadStaging(this.paths.staging, a)
          .entries.entries()
          .map(
            (e): DiffEntry =>
              e.deleted
                ? { path: e.path, change: 'deleted' }
                : { path: e.path, change: head.has(e.path) ? 'modified' : 'added', size: e.size, hash: toHex(e.hash) },
          ),
      );
    });
  }

  /** Files added, modified and deleted from generation `from` to generation `to` (roots or prefixes). */
  diff(from: string, to?: string): DiffEntry[] {
    return this.withArchive((a) =>
      diffFiles(generationFiles(a, resolveGeneration(a, from)), generationFiles(a, resolveGeneration(a, to))),
    );
  }

  /** Files of a generation whose path matches a gitignore-style pattern. */
  find(pattern: string, opts: { root?: string } = {}): FileEntry[] {
    if (pattern.trim() === '') throw new UsageError('empty pattern', 'give a pattern such as *.txt or src/**');
    return this.withArchive((a) => findFiles(generationFiles(a, resolveGeneration(a, opts.root)), pattern));
  }

  /** What a URN (or short form) names here: store, generation and root, path and resolved byte range. */
  resolve(target: string): ResolvedTarget {
    return this.withArchive((a) => {
      const parsed = parseTargetIn(this.storeId, target);
      const generation = resolveGeneration(a, parsed.root);
      const literal = parsed.literal !== undefined && findEntry(a, generation, parsed.literal) !== undefined;
      const urn = literal ? { ...parsed, path: parsed.literal, range: undefined } : parsed;
      const root = toHex(a.layerEntry(generation).storeRoot);
      if (urn.path === undefined)
        return { storeId: this.storeId, generation, root, urn: formatUrn({ storeId: this.storeId, root }) };
      const f = findFile(a, generation, urn.path);
      const range = urn.range ? resolveRange(urn.range, f.size) : undefined;
      return {
        storeId: this.storeId,
        generation,
        root,
        path: f.path,
        size: f.size,
        hash: toHex(f.hash),
        ...(range && { range }),
        urn: formatUrn({ storeId: this.storeId, root, path: f.path, range: urn.range }),
      };
    });
  }

  /** The committed file entry `target` names (a path or URN; latest generation unless `opts.root`). */
  stat(target: string, opts: GetOptions = {}): StoredFile {
    return this.withArchive((a) => this.lookup(a, target, opts).entry);
  }

  private lookup(a: Archive, target: string, opts: GetOptions) {
    const parsed = readRequest(this.storeId, target, opts);
    const generation = resolveGeneration(a, parsed.root);
    const req = preferLiteral(parsed, (p) => findEntry(a, generation, p) !== undefined);
    const entry: StoredFile = {
      ...findFile(a, generation, req.path),
      generation,
      root: toHex(a.layerEntry(generation).storeRoot),
      layerReads: a.layerReads,
    };
    return { req, generation, entry };
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
  async getTo(
    target: string,
    sink: (chunk: Buffer) => Promise<void> | void,
    opts: GetOptions = {},
  ): Promise<StoredFile> {
    return withReader(this.paths, async (a) => {
      const found = this.lookup(a, target, opts);
      await this.stream(a, found, sink, opts.verify);
      return found.entry;
    });
  }

  /**
   * Writes what `target` names to the open file descriptor `fd` (1 for standard output), synchronously, from
   * one recycled read buffer: the fastest way out for large files (no buffer is kept past its write).
   */
  async getToFd(target: string, fd: number, opts: GetOptions = {}): Promise<StoredFile> {
    return withReader(this.paths, async (a) => {
      const found = this.lookup(a, target, opts);
      await this.stream(a, found, (c) => writeAllToFd(fd, c), opts.verify, true);
      return found.entry;
    });
  }

  /** With `syncSink`, `sink` is done with a chunk when it returns: the read buffer is recycled. */
  private async stream(
    a: Archive,
    { req, generation, entry }: ReturnType<StoreReader['lookup']>,
    sink: (chunk: Buffer) => Promise<void> | void,
    verify?: boolean,
    syncSink = false,
  ): Promise<void> {
    const fetched = await this.fetchLacking(a, coveringChunks(entry, req.range));
    if (fetched.requests > 0) entry.fetched = fetched;
    a.readAhead(4 * 1024 * 1024, syncSink); // a file's chunks lie together: a few large reads, not one per chunk
    if (verify) {
      const v = verifyProof(proveFile(a, generation, entry.path, req.range));
      if (!v.valid) throw new IntegrityError(`${entry.path}: does not verify against root ${entry.root}: ${v.reason}`);
      for (const _ of readEntry(a, entry, req.range)); // every chunk checked before any is handed out
    }
    for (const c of readEntry(a, entry, req.range)) await sink(c);
  }

  /** In a lazy clone, fetches the chunks among `refs` that are not here yet (api/lazy.ts); nothing otherwise. */
  protected fetchLacking(a: Archive, refs: readonly ChunkRef[]): Promise<FetchCounts> {
    if (a.missing.length === 0) return Promise.resolve({ requests: 0, bytes: 0 });
    return fetchChunks(this.paths, a, refs, openRemote);
  }

  /**
   * Writes the stored files under `path` (a file or directory; the whole generation when omitted) into
   * `dest`, recreating their project-relative paths; never writes outside `dest` (retrieve/extract.ts).
   * With `sync`, every file is durable on disk before it appears under its name (retrieve/durable-batch.ts).
   */
  async extract(
    path: string | undefined,
    dest: string,
    opts: { root?: string; force?: boolean; sync?: boolean } = {},
  ): Promise<ExtractResult> {
    return withReader(this.paths, async (a) => {
      const req = path === undefined ? undefined : readRequest(this.storeId, path, opts);
      if (req?.range) throw new UsageError('extract writes whole files', 'use get --bytes for a byte range');
      const g = resolveGeneration(a, req?.root ?? opts.root);
      const all = generationFiles(a, g);
      const files =
        req === undefined ? all : all.filter((f) => f.path === req.path || f.path.startsWith(`${req.path}/`));
      if (files.length === 0)
        throw new NotFoundError(`'${path}' matches no file in generation ${g}`, 'see `digstore find`');
      await this.fetchLacking(
        a,
        files.flatMap((f) => f.chunks),
      );
      return await extractFiles(a, files, resolve(dest), opts.force, opts.sync);
    });
  }

  /** Writes what `target` names (a file or byte range) to `file`, atomically (retrieve/atomic-file.ts). */
  async getToFile(target: string, file: string, opts: GetOptions = {}): Promise<StoredFile> {
    return withReader(this.paths, async (a) => {
      const found = this.lookup(a, target, opts); // a missing file is reported before FILE is touched
      await writeFileAtomically(resolve(file), (write) => this.stream(a, found, write, opts.verify, true));
      return found.entry;
    });
  }

  /**
   * Writes the generations after `since` (a root or prefix; all when omitted) to one file, atomically
   * (store/transfer.ts). `signal` stops it between 64 MiB blocks; the file is then not written.
   * @example await store.export('backup.dig', { since: lastRoot })
   */
  async export(file: string, opts: LongOperation & { since?: string } = {}): Promise<ExportResult> {
    const since = opts.since === undefined ? 0 : this.withArchive((a) => resolveGeneration(a, opts.since));
    return exportArchive(this.paths.archive, resolve(file), since, opts);
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

  /**
   * Verifies the store (see store/check.ts): checksums, indexes, every root recomputed; `deep` re-hashes every
   * chunk (`layer`: only that layer's). Never throws for damage: reports it. `signal` stops it between chunks
   * (an INTERRUPTED error; a check never writes); `onProgress` hears after each layer and every ~64 MiB.
   * @example const { ok, problems } = await store.check({ deep: true });
   */
  check(opts: CheckOptions = {}): Promise<CheckReport> {
    return checkArchive(this.paths.archive, opts);
  }

  /** Files in the generation `root` names (a root hash or unique prefix; the latest when omitted). */
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
