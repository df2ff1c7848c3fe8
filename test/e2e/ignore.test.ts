// .digignore through the spawned CLI: add, add -f, --dry-run, status and check-ignore.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, run, snapshot, tempDir } from '../helpers.js';

describe('.digignore in the CLI', () => {
  let home: string, project: string;
  beforeAll(() => {
    home = tempDir('dig-ign-home-');
    project = tempDir('dig-ign-');
    mkdirSync(join(project, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, '.digignore'), '# deps\nnode_modules/\n*.log\n!important.log\n');
    writeFileSync(join(project, 'src', '.digignore'), 'generated.js\n');
    for (const f of [
      'a.txt',
      'debug.log',
      'important.log',
      'node_modules/pkg/index.js',
      'src/main.js',
      'src/generated.js',
    ]) {
      writeFileSync(join(project, f), f);
    }
    run(['init'], { cwd: project, home });
  });
  afterAll(cleanupTempDirs);

  it('add -A --dry-run prints project-relative paths, one per line; ignore files themselves are included', () => {
    const r = run(['add', '-A', '--dry-run'], { cwd: join(project, 'src'), home });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      '.digignore',
      'a.txt',
      'important.log',
      'src/.digignore',
      'src/main.js',
    ]);
  });

  it('add of an ignored path fails with one line naming it and how to force it; nothing is staged', () => {
    const before = snapshot(home);
    const r = run(['add', 'a.txt', 'debug.log'], { cwd: project, home });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "error: 'debug.log' is ignored by a .digignore file: debug.log (use -f to add it anyway)",
    );
    expect(snapshot(home)).toEqual(before);
    const sub = run(['add', 'node_modules/pkg/index.js'], { cwd: project, home });
    expect(sub.stderr).toMatch(/is ignored/);
  });

  it('add -f stages an ignored file on purpose', () => {
    const r = run(['add', '-f', 'debug.log'], { cwd: project, home });
    expect(r.code, r.stderr).toBe(0);
    expect(run(['status', '--porcelain'], { cwd: project, home }).stdout).toMatch(/^A {2}debug\.log$/m);
  });

  it('status lists ignored files neither as untracked nor as deleted, and .digstore never', () => {
    const s = JSON.parse(run(['status', '--json'], { cwd: project, home }).stdout);
    expect(s.untracked).toEqual(['.digignore', 'a.txt', 'important.log', 'src/.digignore', 'src/main.js']);
    expect(s.deleted).toEqual([]);
  });

  it('check-ignore -v names the file, line and pattern; exit 1 when nothing is ignored', () => {
    const r = run(['check-ignore', '-v', 'debug.log', 'node_modules/pkg/index.js', 'src/generated.js', 'a.txt'], {
      cwd: project,
      home,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      '.digignore:3:*.log\tdebug.log',
      '.digignore:2:node_modules/\tnode_modules/pkg/index.js',
      'src/.digignore:1:generated.js\tsrc/generated.js',
    ]);
    const none = run(['check-ignore', 'a.txt'], { cwd: project, home });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('');
  });

  it('add -A stores the .digignore files like any file', () => {
    expect(run(['add', '-A'], { cwd: project, home }).code).toBe(0);
    expect(run(['commit', '-m', 'x'], { cwd: project, home }).code).toBe(0);
    const stored = Store.open(project, { home });
    expect(stored.get('src/.digignore').toString()).toBe('generated.js\n');
    expect(() => stored.stat('node_modules/pkg/index.js')).toThrow(/is not in generation/);
  });
});
