// Each .gitignore syntax rule, with the examples of git's documentation (gitignore(5)). Every expectation
// is also checked against git itself, so the expectations cannot drift from git's behaviour.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, runTool, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);
const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** Builds `files` plus ignore files (`{dir: text}`), returns [digstore's selection, git's]. */
function both(ignores: Record<string, string>, files: string[]): [string[], string[]] {
  const out: string[][] = [];
  for (const name of ['.digignore', '.gitignore']) {
    const root = tempDir('dig-rule-');
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), 'x');
    }
    for (const [dir, text] of Object.entries(ignores)) writeFileSync(join(root, dir, name), text);
    if (name === '.digignore')
      out.push(
        Store.init(root, { home: tempDir('dig-rule-home-') })
          .addDryRun('all')
          .filter((p) => !p.endsWith('.digignore')),
      );
    else {
      runTool('git', ['init', '-q'], { cwd: root, env: gitEnv });
      const r = runTool('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: root, env: gitEnv });
      out.push(r.stdout.split('\0').filter((p) => p && !p.endsWith('.gitignore')));
    }
  }
  return [out[0].sort(), out[1].sort()];
}

const cases: Array<[string, Record<string, string>, string[], string[]]> = [
  ['blank lines and # comments match nothing', { '': '\n# *.txt\n\n' }, ['a.txt'], ['a.txt']],
  ['\\# and \\! escape a leading # or !', { '': '\\#x\n\\!y\n' }, ['#x', '!y', 'z'], ['z']],
  ['trailing spaces are ignored…', { '': 'foo   \n' }, ['foo', 'foo '], ['foo ']],
  ['…unless escaped with a backslash', { '': 'foo\\ \n' }, ['foo', 'foo '], ['foo']],
  ['! re-includes what an earlier pattern excluded', { '': '*.log\n!keep.log\n' }, ['a.log', 'keep.log'], ['keep.log']],
  ['a later pattern wins over an earlier one', { '': '!a.log\n*.log\n' }, ['a.log'], []],
  [
    '! cannot re-include a file whose parent directory is excluded',
    { '': 'foo/\n!foo/bar\n' },
    ['foo/bar', 'baz'],
    ['baz'],
  ],
  [
    '"/*, !/foo, /foo/*, !/foo/bar" keeps only foo/bar (gitignore(5) example)',
    { '': '/*\n!/foo\n/foo/*\n!/foo/bar\n' },
    ['a', 'foo/bar', 'foo/baz', 'foo/x/y'],
    ['foo/bar'],
  ],
  ['trailing / matches directories only', { '': 'frotz/\n' }, ['frotz/a', 'a/frotz/b', 'x/frotz'], ['x/frotz']],
  [
    'a leading / anchors to the directory of the file',
    { '': '/*.c\n' },
    ['cat-file.c', 'mozilla-sha1/sha1.c'],
    ['mozilla-sha1/sha1.c'],
  ],
  ['a middle / anchors too (doc/frotz)', { '': 'doc/frotz/\n' }, ['doc/frotz/x', 'a/doc/frotz/x'], ['a/doc/frotz/x']],
  ['no slash: matches at any depth', { '': '*.html\n' }, ['a.html', 'x/y/b.html', 'c.htm'], ['c.htm']],
  ['* does not cross /', { '': 'a/*.md\n' }, ['a/x.md', 'a/b/y.md'], ['a/b/y.md']],
  ['? matches one character but not /', { '': 'file?.txt\n' }, ['file1.txt', 'file12.txt'], ['file12.txt']],
  [
    '[...] classes and ranges',
    { '': '[ab]*.txt\nfile[0-4].dat\n' },
    ['a1.txt', 'c1.txt', 'file3.dat', 'file7.dat'],
    ['c1.txt', 'file7.dat'],
  ],
  [
    'leading **/ matches in all directories',
    { '': '**/foo\n**/foo/bar\n' },
    ['foo', 'x/foo', 'y/foo/bar', 'y/bar'],
    ['y/bar'],
  ],
  ['trailing /** matches everything inside', { '': 'abc/**\n' }, ['abc/x', 'abc/y/z', 'abcd'], ['abcd']],
  ['/**/ matches zero or more directories', { '': 'a/**/b\n' }, ['a/b', 'a/x/b', 'a/x/y/b', 'a/c'], ['a/c']],
  [
    '`logs/**` + `!logs/*.log` re-includes (the directory itself is not excluded)',
    { '': 'logs/**\n!logs/*.log\n' },
    ['logs/a.log', 'logs/b.txt'],
    ['logs/a.log'],
  ],
  [
    'patterns are relative to their own directory',
    { sub: '/x\n*.tmp\n' },
    ['x', 'sub/x', 'sub/y/x', 'a.tmp', 'sub/b.tmp', 'sub/c/d.tmp'],
    ['a.tmp', 'sub/y/x', 'x'],
  ],
  [
    'a deeper file overrides a shallower one',
    { '': '*.log\n', sub: '!*.log\n' },
    ['a.log', 'sub/b.log'],
    ['sub/b.log'],
  ],
  ['matching is case-sensitive (core.ignorecase=false)', { '': 'Foo\n' }, ['Foo', 'foo'], ['foo']],
];

describe('.digignore syntax rules (git documentation examples), checked against git too', () => {
  for (const [name, ignores, files, expected] of cases) {
    it(name, () => {
      const [ours, git] = both(ignores, files);
      expect(git).toEqual([...expected].sort());
      expect(ours).toEqual(git);
    });
  }
});
