// Directory walk producing the files to stage, as project-relative POSIX paths with their stat key.
// Names are read as bytes (core/path-bytes.ts: a non-UTF-8 name is kept exactly). Symbolic links are stored as
// links (their target is the content, git's mode 120000) and never followed; sockets, FIFOs and devices are
// skipped with a warning; an unreadable directory is a failure naming it (the rest is still staged). The
// project's `.digstore` link is never stored.
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { osPath, decodePath } from '../core/path-bytes.js';
import { storedPathProblem } from '../core/paths.js';
import { MODE_EXEC, MODE_FILE, MODE_LINK } from '../core/types.js';
import { lstatIfExists } from '../store/fs-utils.js';
import { LINK_FILE } from '../store/project.js';
import type { IgnoreRules } from './ignore-rules.js';
import { ScannedFile, scannedFile, StatTable } from './scanned-file.js';

export { ScannedFile, scannedFile, StatTable } from './scanned-file.js';

export interface ScanResult {
  files: ScannedFile[];
  /** The stat numbers of `files` (made by the first file added). */
  stats?: StatTable;
  /** Not stored on purpose (sockets, FIFOs, devices): a warning. */
  skipped: Array<{ rel: string; reason: string }>;
  /** Should have been stored but cannot be (unreadable directory, a name too long): `add` exits 3. */
  failed?: Array<{ rel: string; reason: string }>;
  /** What was named, for finding tracked files that are gone (worktree/deletions.ts). */
  scopes?: Array<{ rel: string; kind: 'dir' | 'missing'; recursive: boolean; arg: string }>;
}

/**
 * The size of a regular file found with `deferStat`: not lstat-ed by the scan. The worker that reads it
 * fstat-s what it opened (ingest/deferred-stat.ts), so the main thread does not make one lstat per file.
 */
export const SIZE_UNKNOWN = -1;

export function toRel(projectRoot: string, abs: string): string {
  const r = relative(projectRoot, abs);
  return sep === '/' ? r : r.split(sep).join('/');
}

/** What digstore stores: regular files and symbolic links (not sockets, FIFOs, devices). */
export const isStorable = (st: Stats): boolean => st.isFile() || st.isSymbolicLink();

/** The mode a scanned file is stored with (git's: 100644, 100755, 120000). */
export const modeOf = (f: Pick<ScannedFile, 'link' | 'exec'>): number =>
  f.link ? MODE_LINK : f.exec ? MODE_EXEC : MODE_FILE;

/** The bytes a scanned file stands for: its content, or a link's target. */
export function readScanned(f: Pick<ScannedFile, 'abs' | 'link'>): Buffer {
  return f.link ? readlinkSync(osPath(f.abs), { encoding: 'buffer' }) : readFileSync(osPath(f.abs));
}

/** The stat table of a scan's files (one per ScanResult). */
const tableOf = (out: ScanResult): StatTable => {
  out.stats ??= new StatTable();
  return out.stats;
};

function fail(out: ScanResult, rel: string, reason: string): void {
  out.failed ??= [];
  out.failed.push({ rel, reason });
}

/** Adds `abs` (already lstat-ed as `st`) to `out`, or records why it is skipped. */
export function addEntry(out: ScanResult, abs: string, rel: string, st: Stats): void {
  if (!isStorable(st)) {
    out.skipped.push({
      rel,
      reason: 'not a regular file or symbolic link (sockets, FIFOs and devices are not stored)',
    });
    return;
  }
  const problem = storedPathProblem(rel);
  if (problem) fail(out, rel, `name cannot be stored (${problem})`);
  else out.files.push(scannedFile(abs, rel, st, tableOf(out)));
}

/**
 * lstat of a project path, or undefined when it does not exist — or when a directory on the way to it is a
 * symbolic link (or not a directory): a path through a link is never read, it would leave the project.
 */
export function lstatInProject(projectRoot: string, rel: string): Stats | undefined {
  // A parent that is a file or missing makes the lstat fail by itself (ENOTDIR, ENOENT); only a link would not.
  return linkOnTheWay(projectRoot, rel) === undefined ? lstatIfExists(join(projectRoot, rel)) : undefined;
}

/** The first directory on the way to `rel` that is a symbolic link, if any. */
export function linkOnTheWay(projectRoot: string, rel: string): string | undefined {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const st = lstatIfExists(join(projectRoot, prefix));
    if (!st) return undefined;
    if (st.isSymbolicLink()) return prefix;
  }
  return undefined;
}

/** A directory's entries with their names as bytes (a non-UTF-8 name must not be replaced by U+FFFD). */
function readdirBytes(dir: string) {
  return readdirSync(osPath(dir), { withFileTypes: true, encoding: 'buffer' });
}

/** A regular file (by its directory entry) in `dir`, whose lstat is left to whoever reads it. */
function addUnstatted(out: ScanResult, dir: string, rel: string): void {
  const problem = storedPathProblem(rel);
  if (problem) {
    fail(out, rel, `name cannot be stored (${problem})`);
    return;
  }
  const table = tableOf(out);
  const row = table.row();
  table.setRow(row, SIZE_UNKNOWN, 0, 0, 0);
  out.files.push(new ScannedFile(table, row, dir, rel, false, false));
}

/**
 * Walks `dirAbs`. With `rules`, ignored entries are left out and ignored directories are never entered
 * (which is also what makes scanning a tree with a huge ignored node_modules cheap). With `deferStat`,
 * regular files are not lstat-ed here (see SIZE_UNKNOWN); links and anything else still are.
 */
export function scanDirectory(
  projectRoot: string,
  dirAbs: string,
  recursive: boolean,
  out: ScanResult,
  rules?: IgnoreRules,
  deferStat = false,
): void {
  // Each directory with its project-relative path: a child's is `rel/name`, no path.relative per entry.
  const stack: Array<[string, string]> = [[dirAbs, toRel(projectRoot, dirAbs)]];
  while (stack.length > 0) {
    const [dir, dirRel] = stack.pop()!;
    let entries: ReturnType<typeof readdirBytes>;
    try {
      entries = readdirBytes(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fail(out, dirRel || '.', `directory cannot be read (${code ?? (e as Error).message})`);
      continue;
    }
    for (const d of entries) {
      const name = decodePath(d.name);
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      if (rel === LINK_FILE) continue;
      if (d.isDirectory()) {
        if (recursive && !rules?.ignores(rel, true)) stack.push([join(dir, name), rel]);
        continue;
      }
      if (rules?.ignores(rel, false)) continue;
      if (deferStat && d.isFile()) {
        addUnstatted(out, dir, rel);
        continue;
      }
      const abs = join(dir, name);
      let st: Stats;
      try {
        st = lstatSync(osPath(abs));
      } catch (e) {
        fail(out, rel, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
        continue;
      }
      addEntry(out, abs, rel, st);
    }
  }
}
