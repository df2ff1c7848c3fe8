// Which files `add PATH…` and `check-ignore PATH…` mean: user paths (relative to the working directory)
// resolved inside the project, with git's ignore semantics including parent directories.
import { lstatSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError, fromSystemError } from '../core/errors.js';
import { IGNORE_FILE, IgnoreRules, type IgnoreVerdict } from '../ingest/ignore-rules.js';
import { addEntry, linkOnTheWay, scanDirectory, toRel, type ScanResult } from '../ingest/scan.js';
import { osPath } from '../core/path-bytes.js';
import { normalizeUserPath } from '../retrieve/resolve.js';
import { LINK_FILE } from '../store/project.js';

/**
 * Resolves user paths (relative to `cwd`) to the files to stage; checks everything before writing
 * anything. As git does, naming an ignored path is an error unless forced (`rules` undefined).
 */
export function collectPaths(
  projectRoot: string,
  rules: IgnoreRules | undefined,
  paths: readonly string[],
  recursive: boolean,
  cwd: string,
): ScanResult {
  if (paths.length === 0) throw new UsageError('nothing specified to add', 'give paths, or -A for the whole project');
  const out: ScanResult = { files: [], skipped: [] };
  const ignored: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const rel = toRel(projectRoot, abs);
    assertInProject(projectRoot, rel, p);
    let st;
    try {
      st = lstatSync(osPath(abs));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fromSystemError(e, p);
      // Gone from disk: staged as a deletion if tracked (checked against the store in stage()).
      out.scopes ??= [];
      out.scopes.push({ rel: normalizeUserPath(rel), kind: 'missing', recursive, arg: p });
      continue;
    }
    if (rel !== '' && rules && ignoredWithParents(rules, rel, st.isDirectory()).ignored) {
      ignored.push(rel);
      continue;
    }
    if (st.isDirectory()) {
      if (!recursive) throw new UsageError(`'${p}' is a directory`, 'use -r to add a directory');
      scanDirectory(projectRoot, abs, true, out, rules, true); // stat deferred: only `add` reads these
      out.scopes ??= [];
      out.scopes.push({ rel, kind: 'dir', recursive, arg: p });
    } else if (rel === LINK_FILE) {
      throw new UsageError(`'${p}' is the project link file and is never stored`);
    } else {
      addEntry(out, abs, normalizeUserPath(rel), st);
    }
  }
  if (ignored.length > 0) {
    throw new UsageError(
      `${ignored.length === 1 ? `'${ignored[0]}' is` : `${ignored.length} paths are`} ignored by a ${IGNORE_FILE} file: ${ignored.join(', ')}`,
      'use -f to add it anyway',
    );
  }
  const seen = new Set<string>();
  out.files = out.files.filter((f) => !seen.has(f.rel) && seen.add(f.rel));
  return out;
}

/**
 * Refuses a user path outside the project, or one reached through a symbolic link to a directory (as git's
 * "beyond a symbolic link"): `linkdir/secret` would read a file that is not in the project.
 */
function assertInProject(projectRoot: string, rel: string, arg: string): void {
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel))
    throw new UsageError(`'${arg}' is outside the project ${projectRoot}`);
  const link = linkOnTheWay(projectRoot, rel);
  if (link !== undefined)
    throw new UsageError(
      `'${arg}' is beyond a symbolic link ('${link}'): it is not in the project`,
      `add '${link}' itself to store the link`,
    );
}

/** git's verdict for `rel`, including its parent directories (an ignored directory hides everything below). */
export function ignoredWithParents(rules: IgnoreRules, rel: string, isDir: boolean): IgnoreVerdict {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const v = rules.check(parts.slice(0, i).join('/'), true);
    if (v.ignored) return v;
  }
  return rules.check(rel, isDir);
}

/** For each path, whether `.digignore` rules exclude it and which file, line and pattern decided. */
export function checkIgnorePaths(
  projectRoot: string,
  paths: readonly string[],
  cwd: string,
): Array<{ path: string } & IgnoreVerdict> {
  const rules = new IgnoreRules(projectRoot);
  return paths.map((p) => {
    const abs = resolve(cwd, p);
    const rel = toRel(projectRoot, abs);
    if (rel === '') throw new UsageError(`'${p}' is the project itself`, 'name a path inside it');
    assertInProject(projectRoot, rel, p);
    let isDir = p.endsWith('/');
    try {
      isDir = lstatSync(osPath(abs)).isDirectory();
    } catch {
      // a path that does not exist is checked as named
    }
    return { path: normalizeUserPath(rel), ...ignoredWithParents(rules, rel, isDir) };
  });
}
