// Directory walk producing the files to stage, as project-relative POSIX paths with their stat key.
// Symlinks are not followed and not stored (reported as skipped); the project's `.digstore` is never stored.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { storedPathProblem } from '../core/paths.js';
import { LINK_FILE } from '../store/project.js';
import type { IgnoreRules } from './ignore-rules.js';

export interface ScannedFile {
  abs: string;
  rel: string;
  size: number;
  /** Executable by its owner. */
  exec: boolean;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface ScanResult {
  files: ScannedFile[];
  skipped: Array<{ rel: string; reason: string }>;
  /** What was named, for finding tracked files that are gone (worktree/deletions.ts). */
  scopes?: Array<{ rel: string; kind: 'dir' | 'missing'; recursive: boolean; arg: string }>;
}

export function toRel(projectRoot: string, abs: string): string {
  const r = relative(projectRoot, abs);
  return sep === '/' ? r : r.split(sep).join('/');
}

export function scannedFile(abs: string, rel: string, st: Stats): ScannedFile {
  return {
    abs,
    rel,
    size: st.size,
    exec: (st.mode & 0o100) !== 0,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    ino: st.ino,
  };
}

/** Adds `abs` (already lstat-ed as `st`) to `out`, or records why it is skipped. */
export function addEntry(out: ScanResult, abs: string, rel: string, st: Stats): void {
  if (st.isSymbolicLink()) out.skipped.push({ rel, reason: 'symbolic link (not followed, not stored)' });
  else if (!st.isFile()) out.skipped.push({ rel, reason: 'not a regular file' });
  else {
    const problem = storedPathProblem(rel);
    if (problem) out.skipped.push({ rel, reason: `name cannot be stored (${problem})` });
    else out.files.push(scannedFile(abs, rel, st));
  }
}

/**
 * Walks `dirAbs`. With `rules`, ignored entries are left out and ignored directories are never entered
 * (which is also what makes scanning a tree with a huge ignored node_modules cheap).
 */
export function scanDirectory(
  projectRoot: string,
  dirAbs: string,
  recursive: boolean,
  out: ScanResult,
  rules?: IgnoreRules,
): void {
  const stack = [dirAbs];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      const rel = toRel(projectRoot, abs);
      if (rel === LINK_FILE) continue;
      if (d.isDirectory()) {
        if (recursive && !rules?.ignores(rel, true)) stack.push(abs);
        continue;
      }
      if (rules?.ignores(rel, false)) continue;
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch (e) {
        out.skipped.push({ rel, reason: (e as Error).message });
        continue;
      }
      addEntry(out, abs, rel, st);
    }
  }
}
