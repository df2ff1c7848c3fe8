// Progress output rules of `add` and of the long operations (check --deep, export, gc), through the spawned CLI
// (stderr is a pipe here, not a TTY).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, committedStore, prng, run, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

describe('add progress', () => {
  const home = tempDir('dig-prog-home-');
  const project = tempDir('dig-prog-');
  const rand = prng(3);
  mkdirSync(join(project, 'd'));
  for (let i = 0; i < 2000; i++) writeFileSync(join(project, 'd', `f${i}`), rand(2000));
  Store.init(project, { home });

  it('prints nothing on stderr when it is not a terminal', () => {
    const r = run(['add', '-r', 'd'], { cwd: project, home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
  });

  it('--progress forces the progress line and the summary', () => {
    writeFileSync(join(project, 'd', 'f0'), 'changed');
    const r = run(['add', '-r', 'd', '--progress'], { cwd: project, home });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/staged 1 files, 1999 unchanged/);
  });

  it('--json gives NDJSON: throttled progress events, then one summary', () => {
    writeFileSync(join(project, 'd', 'f1'), 'changed too');
    const r = run(['add', '-r', 'd', '--json'], { cwd: project, home });
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = lines.pop();
    expect(last.type).toBe('summary');
    expect(last.staged).toBe(1);
    for (const l of lines) expect(l.type).toBe('progress');
    expect(r.stderr).toBe('');
  });
});

describe('long operations', () => {
  it('check --deep, export and gc --progress show a progress line on stderr; --json never does', async () => {
    const home = tempDir('dig-lp-home-');
    const project = tempDir('dig-lp-');
    writeFileSync(join(project, 'a.bin'), prng(4)(300_000));
    await committedStore(project, home, ['a.bin']);
    const check = run(['check', '--deep', '--progress'], { cwd: project, home });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/verify \d.*\/\d.* MB\/s/);
    const exp = run(['export', join(tempDir('dig-lp-out-'), 'x.dig'), '--progress'], { cwd: project, home });
    expect(exp.stderr).toMatch(/copy \d.*\/\d/);
    const gc = run(['gc', '--progress', '--json'], { cwd: project, home });
    expect(gc.code).toBe(0);
    expect(gc.stderr).toBe('');
    JSON.parse(gc.stdout);
  });
});
