// Directory walk producing the files to stage, as project-relative POSIX paths. Symlinks are not followed
// and not stored (reported as skipped); the project's `.digstore` link is never stored.
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { storedPathProblem } from '../core/paths.js';
import { LINK_FILE } from '../store/project.js';

export interface ScanResult {
  files: Array<{ abs: string; rel: string }>;
  skipped: Array<{ rel: string; reason: string }>;
}

export function toRel(projectRoot: string, abs: string): string {
  const r = relative(projectRoot, abs);
  return sep === '/' ? r : r.split(sep).join('/');
}

export function scanDirectory(projectRoot: string, dirAbs: string, recursive: boolean, out: ScanResult): void {
  const stack = [dirAbs];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      const rel = toRel(projectRoot, abs);
      if (rel === LINK_FILE) continue;
      if (d.isDirectory()) {
        if (recursive) stack.push(abs);
      } else if (d.isFile()) {
        const problem = storedPathProblem(rel);
        if (problem) out.skipped.push({ rel, reason: `name cannot be stored (${problem})` });
        else out.files.push({ abs, rel });
      }
      else if (d.isSymbolicLink()) out.skipped.push({ rel, reason: 'symbolic link (not followed, not stored)' });
      else out.skipped.push({ rel, reason: 'not a regular file' });
    }
  }
}
