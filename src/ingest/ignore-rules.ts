// `.digignore` with git's `.gitignore` semantics. Git decides a path by the last matching pattern, trying
// the deepest directory's file first and going up; that equals one list of all patterns in order from the
// root file to the deepest one. So each directory gets one `ignore` matcher holding its ancestors' patterns
// rewritten relative to the project root, and `ignore` applies git's rules within it (including "a file
// whose parent directory is excluded cannot be re-included"). Directories are tested with a trailing `/`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const IGNORE_FILE = '.digignore';

/** One pattern line, kept for `check-ignore -v`: its file (project-relative), line number and text. */
export interface RuleSource {
  file: string;
  line: number;
  pattern: string;
}

export interface IgnoreVerdict {
  ignored: boolean;
  /** The deciding pattern (also a negative one that re-included the path), when one matched. */
  source?: RuleSource;
}

/** Escapes glob metacharacters of a literal directory name used as a pattern prefix. */
function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
}

/**
 * Rewrites one pattern line of `dir/.digignore` to be relative to the project root, or returns undefined
 * for blank and comment lines. `dir` is '' for the root.
 */
export function rebase(line: string, dir: string): string | undefined {
  if (dir === '') return line;
  if (line.startsWith('#')) return undefined;
  // Trailing spaces do not count unless escaped with a backslash (as git trims them).
  let body = line;
  while (body.endsWith(' ') && !body.endsWith('\\ ')) body = body.slice(0, -1);
  if (body === '') return undefined;
  let neg = '';
  if (body.startsWith('!')) {
    neg = '!';
    body = body.slice(1);
  }
  // A slash at the start or in the middle anchors the pattern to its directory; otherwise it matches at
  // any depth below it (a trailing slash only means "directories only"). An escaped `\!`/`\#` stays
  // escaped: away from the start of the line it is a literal character either way.
  const anchored = body.replace(/\/+$/, '').includes('/');
  const prefix = `${dir.split('/').map(escapeGlob).join('/')}/`;
  const rest = body.startsWith('/') ? body.slice(1) : body;
  return `${neg}${prefix}${anchored ? '' : '**/'}${rest}`;
}

interface Level {
  ig: Ignore;
  /** Rule sources, by position of the pattern in `ig` (mark). */
  sources: RuleSource[];
}

export class IgnoreRules {
  private readonly levels = new Map<string, Level>();

  constructor(private readonly projectRoot: string) {}

  /** The matcher for entries of directory `dir` ('' = root): built once from its ancestors' files. */
  private level(dir: string): Level {
    const cached = this.levels.get(dir);
    if (cached) return cached;
    const parent = dir === '' ? undefined : this.level(dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '');
    const sources = parent ? parent.sources.slice() : [];
    const ig = ignore({ ignorecase: false });
    if (parent) ig.add(parent.ig);
    let text: string | undefined;
    try {
      text = readFileSync(join(this.projectRoot, dir, IGNORE_FILE), 'utf8');
    } catch {
      // no .digignore here (or unreadable: git ignores those too)
    }
    if (text !== undefined) {
      const file = dir === '' ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`;
      text.split('\n').forEach((raw, i) => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        const pattern = rebase(line, dir);
        if (pattern === undefined) return;
        ig.add({ pattern, mark: String(sources.length) });
        sources.push({ file, line: i + 1, pattern: line });
      });
    }
    const level = { ig, sources };
    this.levels.set(dir, level);
    return level;
  }

  /** git's verdict for the project-relative path `rel` (a directory when `isDir`). */
  check(rel: string, isDir: boolean): IgnoreVerdict {
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const level = this.level(dir);
    // No pattern here or above (most trees): nothing to ask the matcher (a tenth of a 100k-file scan).
    if (level.sources.length === 0) return { ignored: false };
    // test(), not checkIgnore(): the latter reproduces `git check-ignore`'s literal match of `dir/` (so
    // `logs/**` "ignores" `logs/`), while git's directory walk — what decides what is stored — descends
    // into `logs` and excludes its contents, which a later `!logs/*.log` can then re-include.
    const r = level.ig.test(isDir ? `${rel}/` : rel);
    const source = r.rule?.mark !== undefined ? level.sources[Number(r.rule.mark)] : undefined;
    return { ignored: r.ignored, ...(source ? { source } : {}) };
  }

  ignores(rel: string, isDir: boolean): boolean {
    return this.check(rel, isDir).ignored;
  }
}
