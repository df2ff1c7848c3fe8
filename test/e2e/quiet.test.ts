// -q: a command that changes something (or answers by its exit status) prints nothing at all on success, on
// stdout or stderr; query commands still print their answer. One loop over every such command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, run, tempDir } from '../helpers.js';

describe('-q', () => {
  let home: string, project: string, out: string;
  beforeAll(() => {
    home = tempDir('dig-q-home-');
    project = tempDir('dig-q-proj-');
    out = tempDir('dig-q-out-');
    writeFileSync(join(project, 'a.txt'), 'a\n');
    writeFileSync(join(project, 'b.txt'), 'b\n');
  });
  afterAll(cleanupTempDirs);

  // In order: each step needs the ones before it.
  const steps = (): string[][] => [
    ['init'],
    ['add', '-A'],
    ['commit', '-m', 'one'],
    ['config', 'user.name', 'Q'],
    ['config', '--unset', 'user.name'],
    ['prove', 'a.txt', '-o', join(out, 'p.json')],
    ['verify', join(out, 'p.json')],
    ['get', 'a.txt', '-o', join(out, 'a.copy')],
    ['export', join(out, 'e.dig')],
    ['extract', '.', join(out, 'x')],
    ['check'],
    ['check', '--deep'],
    ['gc'],
    ['archive', '--compact'],
    ['rm', 'b.txt'],
    ['commit', '-m', 'two'],
    ['import', join(out, 'e.dig')],
  ];

  it('every state-changing command prints nothing on success', () => {
    for (const args of steps()) {
      const r = run([...args, '-q'], { cwd: project, home });
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        args,
        code: 0,
        stdout: '',
        stderr: '',
      });
    }
  });

  it('query commands still answer, and errors are still printed', () => {
    expect(run(['cat', 'a.txt', '-q'], { cwd: project, home }).stdout).toBe('a\n');
    expect(run(['root', '-q'], { cwd: project, home }).stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const bad = run(['cat', 'missing.txt', '-q'], { cwd: project, home });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/missing\.txt/);
  });
});
