// Every name a file system can hold, and symbolic links: stored and restored exactly. The tree holds non-UTF-8
// names, `#`, `%`, a backslash, a newline, a leading `-`, 255-byte names, an executable, and links to a file,
// to a directory, dangling and pointing outside; add -A, commit and extract must give back the same tree, and
// every file must read back by its short form and by its full URN.
import { chmodSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUrn } from '../../dist/core/urn.js';
import { encodePath } from '../../dist/core/path-bytes.js';
import { Store } from '../../dist/index.js';
import { CLI, cleanupTempDirs, run, runTool, tempDir } from '../helpers.js';

const b = (s: string) => Buffer.from(s, 'latin1'); // one byte per char: lets a test name hold any byte
const LONG = `${'n'.repeat(251)}.txt`; // 255 bytes: the file system's limit for one name

/** [name as bytes, content]: regular files. */
const FILES: Array<[Buffer, string]> = [
  [b('lat\xe9.txt'), 'latin-1 name'],
  [b('d\xff/inner.txt'), 'under a non-UTF-8 directory'],
  [Buffer.from('ünï côdé.txt'), 'utf-8'],
  [b('x#y.txt'), 'hash'],
  [b('f#bytes=1-2'), 'looks like a range'],
  [b('100%.txt'), 'percent'],
  [b('back\\slash'), 'backslash'],
  [b('new\nline'), 'newline'],
  [b('-leading'), 'dash'],
  [b('sp ace.txt'), 'space'],
  [b(LONG), 'long name'],
  [b(`${'d'.repeat(255)}/${LONG}`), 'long directory and name'],
  [b('sub/s.txt'), 'in sub'],
];
const LINKS: Array<[string, string]> = [
  ['to-file', 'x#y.txt'],
  ['to-dir', 'sub'],
  ['dangling', 'nowhere/at/all'],
  ['outside', '/etc/passwd'],
  ['up-and-out', '../../outside'],
];

function sh(script: string, cwd: string, home: string) {
  return runTool('sh', ['-c', script], { cwd, env: { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1' } });
}

/** `digstore ARGS` through sh, so an argument can hold bytes that are not UTF-8 (printf octal escapes). */
const octal = (bytes: Buffer) => [...bytes].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('');

describe('names and symbolic links', () => {
  let home: string, project: string, dest: string, id: string, root: string;
  beforeAll(() => {
    home = tempDir('dig-names-home-');
    project = tempDir('dig-names-proj-');
    dest = join(tempDir('dig-names-dest-'), 'out');
    for (const [name, content] of FILES) {
      const parts = name.toString('latin1').split('/');
      if (parts.length > 1) mkdirSync(Buffer.concat([b(project), b('/'), b(parts[0])]), { recursive: true });
      writeFileSync(Buffer.concat([b(project), b('/'), name]), content);
    }
    writeFileSync(join(project, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(project, 'run.sh'), 0o755);
    for (const [name, target] of LINKS) symlinkSync(target, join(project, name));
    expect(run(['init'], { cwd: project, home }).code).toBe(0);
    const add = run(['add', '-A'], { cwd: project, home });
    expect(add.code, add.stderr).toBe(0);
    root = run(['commit', '-m', 'names'], { cwd: project, home }).stdout.trim();
    id = Store.open(project, { home }).storeId;
  });
  afterAll(cleanupTempDirs);

  it('add -A, commit, extract: the same tree (diff --no-dereference, and every link target and mode)', () => {
    const x = run(['extract', '.', dest], { cwd: project, home });
    expect(x.code, x.stderr).toBe(0);
    const diff = runTool('diff', ['-r', '--no-dereference', '-x', '.digstore', project, dest], { cwd: '/' });
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    const listing = (dir: string) =>
      runTool(
        'sh',
        ['-c', `cd "${dir}" && find . -mindepth 1 -path ./.digstore -prune -o -printf '%P %y %l %m\\n' | sort`],
        {
          cwd: '/',
        },
      ).stdout;
    expect(listing(dest)).toBe(listing(project));
    expect(readlinkSync(join(dest, 'outside'))).toBe('/etc/passwd'); // restored as a link, not followed
    expect(run(['status', '--porcelain'], { cwd: project, home }).stdout).toBe(''); // nothing left unstored
  });

  it('every file reads back by its short form and by its full URN (library; the CLI for the hardest names)', () => {
    const all: Array<[Buffer, Buffer]> = [
      ...FILES.map(([n, c]): [Buffer, Buffer] => [n, Buffer.from(c)]),
      ...LINKS.map(([n, t]): [Buffer, Buffer] => [b(n), b(t)]),
    ];
    const stored = JSON.parse(run(['find', '*', '--json'], { cwd: project, home }).stdout) as Array<{ path: string }>;
    const reader = Store.open(project, { home });
    for (const [name, content] of all) {
      const text = name.toString('latin1');
      const path = stored.find((s) => encodePath(s.path).equals(name))?.path;
      expect(path, text).toBeDefined();
      expect(reader.get(`./${path}`).equals(content), text).toBe(true); // the short form, through the library
      // …and through the CLI for the names a shell makes hard (raw bytes arrive via /proc/self/cmdline).
      // (A non-UTF-8 name, a newline and a leading dash by the short form; a non-UTF-8 directory by URN.)
      if (!/[\x80-\xff\n]|^-/.test(text) || text.startsWith('to-')) continue;
      if (/^lat|\n|^-/.test(text)) {
        const short = sh(`exec "${process.execPath}" "${CLI}" cat "./$(printf '${octal(name)}')"`, project, home);
        expect({ name: text, out: short.stdout, code: short.code }).toEqual({
          name: text,
          out: content.toString('latin1'),
          code: 0,
        });
      }
      const urn = formatUrn({ storeId: id, root, path });
      expect(urn).toMatch(/^[\x21-\x7e]+$/); // printable ASCII: percent-encoded bytes
      expect(Store.openFor(urn, '/', { home }).get(urn).equals(content), urn).toBe(true);
      if (!text.startsWith('d\xff')) continue;
      const r = run(['cat', urn], { cwd: '/', home }); // the CLI resolves URNs the same way
      expect(r.stdoutBuf.equals(content), `${urn}: ${r.stderr}`).toBe(true);
    }
  });

  it('a link is a link: its mode is in the proof, and --json says so', () => {
    const j = JSON.parse(run(['get', 'to-file', '--json'], { cwd: project, home }).stdout);
    expect(j).toMatchObject({ path: 'to-file', type: 'symlink', mode: '120000', target: 'x#y.txt' });
    const p = JSON.parse(run(['prove', 'to-file'], { cwd: project, home }).stdout);
    expect(p.target.mode).toBe('120000');
    p.target.mode = '100644'; // the same bytes as a regular file: a different leaf
    const bad = run(['verify', '-'], { cwd: project, home, input: JSON.stringify(p) });
    expect(bad.code).toBe(5);
  });

  it('names with control characters are quoted in human output', () => {
    const found = run(['find', '*'], { cwd: project, home }).stdout.split('\n');
    expect(found).toContain('"new\\nline"');
    expect(found).toContain('"lat\\351.txt"');
    expect(found).toContain('x#y.txt');
  });

  it('a path through a symbolic link to a directory is refused; nothing outside is read', () => {
    const outside = tempDir('dig-names-outside-');
    writeFileSync(join(outside, 'secret'), 'secret');
    symlinkSync(outside, join(project, 'linkdir'));
    for (const args of [
      ['add', 'linkdir/secret'],
      ['check-ignore', 'linkdir/secret'],
    ]) {
      const r = run(args, { cwd: project, home });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/beyond a symbolic link \('linkdir'\)/);
    }
    expect(run(['add', '-A'], { cwd: project, home }).code).toBe(0);
    const staged = run(['status', '--porcelain'], { cwd: project, home }).stdout;
    expect(staged).toBe('A  linkdir\n'); // the link itself, never what it points to
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('secret');
  });
});
