// Oracle test: `.digignore` must decide exactly as git decides `.gitignore`. Random trees (seeded) with
// random ignore files at several depths, built twice — once with .digignore, once with .gitignore — and
// `git ls-files --others --exclude-standard` must equal what `add -A --dry-run` would stage.
// 10 trees by default, 10 × DIGSTORE_TEST_SCALE otherwise; DIGSTORE_ORACLE_TREES=5000 runs a given number.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, roundsTimeout, runTool, scaled, tempDir } from '../helpers.js';

const TREES = process.env.DIGSTORE_ORACLE_TREES ? Number(process.env.DIGSTORE_ORACLE_TREES) : scaled(10);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = [
  'a',
  'b',
  'build',
  'sub',
  'docs',
  'dir with space',
  'nested',
  'one',
  'x',
  'node_modules',
  '.hidden',
  'deep',
  'logs',
  '[ab]',
  'Foo',
];
const FILES = [
  'a.txt',
  'b.log',
  'keep.log',
  'foo',
  'foo ',
  'x.tmp',
  'f1',
  'f2',
  '#hash',
  '!bang',
  '.hidden',
  '[ab]x',
  '*star',
  'deep',
  'z',
  'c.txt',
  'README.md',
  'one',
  'two',
  'a',
  'q?',
  'Foo.TXT',
  'build',
  'e.md',
  'space name.txt',
];
// Every syntax rule: comments, blanks, escapes, trailing spaces (plain and escaped), negation, dir-only,
// anchoring (leading and middle slash), *, ?, classes and ranges (also negated), **/, /**, /**/.
const PATTERNS = [
  '',
  '# comment',
  '\\#hash',
  '\\!bang',
  '*.log',
  '!keep.log',
  'build/',
  '/build',
  'a/b',
  'docs/*.md',
  'foo ',
  'foo\\ ',
  '?.txt',
  '[ab]*',
  '[a-c].txt',
  '[!a]*.txt',
  '**/deep',
  'x/**',
  'a/**/z',
  'dir with space/',
  '*.tmp',
  '!*.tmp',
  'sub/',
  '!sub/',
  'node_modules',
  '*',
  '!*/',
  'f*',
  '!f1',
  '.hidden',
  '.*',
  'nested/one/',
  '/nested',
  'one/',
  '*/two',
  '\\*star',
  '**/logs/**',
  '!**/logs/',
  'logs/',
  '!logs/*.log',
  'a/',
  '/a/',
  '!a/b.log',
  'b',
  '\\[ab]x',
  'Foo*',
  '*.TXT',
  '**',
  'deep/',
  '/*.txt',
  '*/',
  'e.md   ',
  '!e.md',
  'q?',
  'z/',
  '[z]',
  '/one/two',
];

function buildTree(root: string, rnd: () => number, ignoreName: string): void {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const dirs = [''];
  const nDirs = 1 + Math.floor(rnd() * 7);
  for (let i = 0; i < nDirs; i++) {
    const parent = pick(dirs);
    if (parent.split('/').length >= 3) continue;
    const d = parent ? `${parent}/${pick(DIRS)}` : pick(DIRS);
    if (!dirs.includes(d)) dirs.push(d);
  }
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  const nFiles = 3 + Math.floor(rnd() * 20);
  for (let i = 0; i < nFiles; i++) {
    const p = join(root, pick(dirs), pick(FILES));
    if (!existsSync(p)) writeFileSync(p, `${i}\n`);
  }
  for (const d of dirs) {
    if (d !== '' && rnd() < 0.6) continue;
    const n = 1 + Math.floor(rnd() * 6);
    const lines = Array.from({ length: n }, () => pick(PATTERNS));
    writeFileSync(join(root, d, ignoreName), lines.join('\n') + (rnd() < 0.5 ? '\n' : ''));
  }
}

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

function gitOthers(dir: string): string[] {
  runTool('git', ['init', '-q'], { cwd: dir, env: gitEnv });
  const r = runTool('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: dir, env: gitEnv });
  if (r.code !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((p) => p.replace(/(^|\/)\.gitignore$/, '$1.digignore'));
}

afterAll(cleanupTempDirs);

describe(`.digignore matches git on ${TREES} random trees`, () => {
  it(
    'git ls-files --others --exclude-standard === add -A --dry-run',
    () => {
      const home = tempDir('dig-oracle-home-');
      const failures: string[] = [];
      let treesWithIgnored = 0,
        ignoredFiles = 0;
      for (let seed = 1; seed <= TREES; seed++) {
        const ours = tempDir('dig-oracle-');
        const theirs = tempDir('dig-oracle-git-');
        buildTree(ours, mulberry32(seed), '.digignore');
        buildTree(theirs, mulberry32(seed), '.gitignore');
        const want = gitOthers(theirs).sort();
        const all = readdirSync(theirs, { recursive: true, withFileTypes: true }).filter(
          (e) => e.isFile() && !/(^|\/)\.git(\/|$)/.test(e.parentPath ?? e.path),
        ).length;
        if (all > want.length) {
          treesWithIgnored++;
          ignoredFiles += all - want.length;
        }
        const got = Store.init(ours, { home }).addDryRun('all').slice().sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          failures.push(
            `seed ${seed}: only digstore ${JSON.stringify(got.filter((p) => !want.includes(p)))}, only git ${JSON.stringify(want.filter((p) => !got.includes(p)))}`,
          );
        }
        if (seed % 50 === 0) cleanupTempDirs();
      }
      console.log(`trees with ignored files: ${treesWithIgnored}/${TREES}, ignored files: ${ignoredFiles}`);
      expect(failures).toEqual([]);
      // The sample must exercise the rules: most trees have ignored files.
      expect(treesWithIgnored).toBeGreaterThan(TREES * 0.5);
      expect(ignoredFiles).toBeGreaterThan(TREES);
    },
    roundsTimeout(TREES, 2000),
  );
});
