// Creating a store (or linking to an existing one) and importing one: the parts of Store.init and Store.import
// that set up files in the store home; the Store class is about using a store.
import type { LongOperation } from '../store/interrupt.js';
import { assertOpens, withLock, withReader } from '../store/access.js';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fromHex, toHex } from '../core/digest.js';
import { CorruptDataError, DigstoreError, ExistsError, UsageError, fromSystemError } from '../core/errors.js';
import { checkCompression } from '../core/compression.js';
import { Archive } from '../store/archive.js';
import { ChunkIndex } from '../store/chunk-index.js';
import { loadRootIndex } from '../store/root-index.js';
import { resolveHome, type StorePaths, storePaths } from '../store/home.js';
import { readAt } from '../store/fs-utils.js';
import { EXPORT_HINT, importArchive, type ImportResult } from '../store/transfer.js';
import { EXPORT_HEADER_SIZE, decodeExportHeader } from '../core/codecs/export-codec.js';
import { LINK_FILE, LINK_VERSION, encodeLink } from '../store/project.js';
import { loadStaging } from '../store/staging.js';
import type { InitOptions, OpenOptions } from './options.js';

/** Creates the store (or, given the ID of an existing one, links to it) and the `.digstore` link. */
export function createStore(dir: string, opts: InitOptions = {}): string {
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
  if (linkOnly) assertOpens(paths);
  if (!linkOnly) {
    try {
      mkdirSync(home, { recursive: true });
      Archive.create(paths.archive, fromHex(storeId), Date.now());
      // Write the (empty) chunk and root index caches now, so a store's files do not change until something is stored.
      withReader(paths, (archive) => {
        ChunkIndex.load(paths.chunkIndex, archive);
        loadRootIndex(archive);
      });
      if (opts.compression)
        writeFileSync(paths.config, `[core]\ncompression = "${checkCompression(opts.compression, 'init')}"\n`);
    } catch (e) {
      if (e instanceof DigstoreError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new ExistsError(`store ${storeId} already exists in ${home}`);
      throw fromSystemError(e, `cannot create the store in ${home}`);
    }
  }
  const link = {
    version: LINK_VERSION,
    store_id: storeId,
    repository_name: opts.name ?? '',
    created_at: new Date().toISOString(),
  };
  try {
    writeFileSync(linkPath, encodeLink(link), { flag: 'wx' });
  } catch (e) {
    throw fromSystemError(e, `cannot write ${linkPath}`);
  }
  return projectRoot;
}

/** Recreates or extends the store an export file holds (see Store.import). */
export async function importStore(
  file: string,
  opts: OpenOptions & LongOperation & { lockWaitMs?: number } = {},
): Promise<ImportResult> {
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
  return withLock(paths, { wait: opts.lockWaitMs }, () => {
    refuseDroppingStaged(paths, header.finalGeneration);
    return importArchive(paths.archive, file, { signal: opts.signal, onProgress: opts.onProgress });
  });
}

/** An import up to `generation` truncates what is staged past the committed length: refused while there is some. */
export function refuseDroppingStaged(paths: StorePaths, generation: number): void {
  const drops =
    existsSync(paths.archive) &&
    withReader(paths, (a) => loadStaging(paths.staging, a).entries.count > 0 && a.seq < generation);
  if (drops)
    throw new UsageError(
      `store ${basename(paths.archive, '.dig')} has staged changes that an import would drop`,
      'commit them first',
    );
}
