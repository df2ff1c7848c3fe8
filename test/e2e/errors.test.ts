// Bad input: one clear line on stderr, a documented non-zero exit code, and the store exactly as it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, committedStore, run, snapshot, tempDir } from '../helpers.js';

describe('bad input', () => {
  let home: string, project: string;

  beforeAll(async () => {
    home = tempDir('dig-err-home-');
    project = tempDir('dig-err-proj-');
    writeFileSync(join(project, 'a.txt'), 'a\n');
    await committedStore(project, home, ['a.txt']);
    writeFileSync(join(project, 'b.txt'), 'b\n');
    await Store.open(project, { home }).add(['b.txt'], { cwd: project }); // staged: staging must survive too
  });
  afterAll(cleanupTempDirs);

  const cases: Array<[string, string[], number, RegExp, (() => string)?]> = [
    ['missing path', ['add', 'no-such-file.txt'], 4, /'no-such-file.txt' does not exist/],
    [
      'one missing among good paths (nothing is staged)',
      ['add', 'a.txt', 'missing.bin'],
      4,
      /'missing.bin' does not exist/,
    ],
    ['a directory without -r', ['add', '.'], 2, /is a directory.*-r/],
    ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
    ['unknown flag', ['add', '--bogus', 'a.txt'], 2, /unknown option '--bogus'/],
    ['commit without a message', ['commit'], 2, /required option '-m, --message <msg>'/],
    ['get of a path not in the store', ['get', 'nope.txt'], 4, /'nope.txt' is not in generation 1/],
    [
      'get at an unknown root',
      ['cat', 'a.txt', '--at', 'deadbeefdeadbeef'],
      4,
      /no generation has root deadbeefdeadbeef/,
    ],
    ['get with a bad root', ['cat', 'a.txt', '--at', 'xyz'], 2, /invalid root 'xyz'/],
    ['path escaping the project', ['add', '../outside.txt'], 2, /outside the project/],
    ['bad -n', ['log', '-n', 'ten'], 2, /-n must be a whole number/],
    ['init inside an existing project', ['init'], 1, /already a digstore project/],
  ];

  for (const [name, args, code, message] of cases) {
    it(`${name}: exit ${code}, one line, store unchanged`, () => {
      const before = snapshot(home);
      const r = run(args, { cwd: project, home });
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
      expect(snapshot(home)).toEqual(before);
    });
  }

  it('no project found: exit 10 with a hint, nothing created', () => {
    const elsewhere = tempDir('dig-none-');
    const emptyHome = tempDir('dig-none-home-');
    for (const args of [['status'], ['add', '-A'], ['commit', '-m', 'x'], ['log'], ['cat', 'x']]) {
      const r = run(args, { cwd: elsewhere, home: emptyHome });
      expect(r.code).toBe(10);
      expect(r.stderr).toMatch(/not a digstore project.*digstore init/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(snapshot(emptyHome)).toEqual({});
  });

  it('commit with nothing staged: exit 1, store unchanged', () => {
    const h2 = tempDir('dig-nc-home-');
    const p2 = tempDir('dig-nc-');
    expect(run(['init'], { cwd: p2, home: h2 }).code).toBe(0);
    const before = snapshot(h2);
    const r = run(['commit', '-m', 'empty'], { cwd: p2, home: h2 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing to commit/);
    expect(snapshot(h2)).toEqual(before);
  });

  it('--json errors are one JSON line: code, message, hint and structured data', () => {
    const r = run(['cat', 'nope.txt', '--json'], { cwd: project, home });
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: "'nope.txt' is not in generation 1",
        hint: 'see `digstore status` or `digstore log`',
        data: { path: 'nope.txt', generation: 1 },
      },
    });
    // A usage error has no data: the key is simply absent.
    expect(JSON.parse(run(['log', '-n', 'ten', '--json'], { cwd: project, home }).stderr).error).toMatchObject({
      code: 'USAGE',
    });
  });

  it('the staged file survived all of the above and commits', () => {
    const r = run(['commit', '-m', 'two', '--json'], { cwd: project, home });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files).toBe(1);
    expect(run(['cat', 'b.txt'], { cwd: project, home }).stdout).toBe('b\n');
  });
});
