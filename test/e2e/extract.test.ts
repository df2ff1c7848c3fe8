// extract: whole generations or subtrees into a directory, byte-identical, exec bit kept; never through a
// symbolic link in the destination, never over existing files without --force.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, prng, run, tempDir } from '../helpers.js';
import { Store } from '../../dist/index.js';

afterAll(cleanupTempDirs);

const rand = prng(12);
const home = tempDir('dig-ex-home-');
const project = tempDir('dig-ex-');
const dig = (...args: string[]) => run(args, { cwd: project, home });
const content: Record<string, Buffer> = {
  'a.txt': Buffer.from('a'),
  'd/b.bin': rand(200_000),
  'd/e/f.txt': Buffer.from('deep'),
  'sp ace/ü.txt': Buffer.from('ü'),
  'run.sh': Buffer.from('#!/bin/sh\n'),
};
let root1 = '';

describe('extract', () => {
  it('the whole generation, byte-identical, exec bit kept; a subtree; an old root', async () => {
    for (const [p, data] of Object.entries(content)) {
      mkdirSync(join(project, p, '..'), { recursive: true });
      writeFileSync(join(project, p), data);
    }
    chmodSync(join(project, 'run.sh'), 0o755);
    // Set up through the library (the subject is extract): two generations.
    const store = Store.init(project, { home });
    await store.addDirectory('.', { recursive: true });
    root1 = (await store.commit('one')).root;
    writeFileSync(join(project, 'a.txt'), 'changed');
    await store.add(['a.txt'], { cwd: project });
    await store.commit('two');

    const out = join(tempDir('dig-ex-out-'), 'all');
    const r = dig('extract', '.', out);
    expect(r.code, r.stderr).toBe(0);
    for (const [p, data] of Object.entries(content)) {
      expect(readFileSync(join(out, p)).equals(p === 'a.txt' ? Buffer.from('changed') : data), p).toBe(true);
    }
    expect(statSync(join(out, 'run.sh')).mode & 0o111).not.toBe(0);
    const sub = tempDir('dig-ex-sub-');
    expect(dig('extract', 'd', sub, '--json', '--sync').code).toBe(0); // durable first: the same files
    expect(readFileSync(join(sub, 'd', 'e', 'f.txt')).equals(content['d/e/f.txt'])).toBe(true);
    expect(readdirSync(join(sub, 'd', 'e')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(sub, 'a.txt'))).toBe(false);
    const old = tempDir('dig-ex-old-');
    expect(dig('extract', 'a.txt', old, '--at', root1.slice(0, 8)).code).toBe(0);
    expect(readFileSync(join(old, 'a.txt'), 'utf8')).toBe('a');
  });

  it('existing files need --force; nothing is written when refused', () => {
    const out = tempDir('dig-ex-exist-');
    writeFileSync(join(out, 'a.txt'), 'mine');
    const r = dig('extract', '.', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'd'))).toBe(false);
    expect(dig('extract', '.', out, '--force').code).toBe(0);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('changed');
  });

  it('a symbolic link inside the destination is never followed', () => {
    const out = tempDir('dig-ex-link-');
    const victim = tempDir('dig-ex-victim-');
    symlinkSync(victim, join(out, 'd'));
    const r = dig('extract', '.', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(existsSync(join(out, 'a.txt'))).toBe(false); // checked before anything was written
    expect(existsSync(join(victim, 'b.bin'))).toBe(false);
    // A link in place of a file is replaced, not written through.
    const out2 = tempDir('dig-ex-link2-');
    writeFileSync(join(victim, 'precious'), 'keep');
    symlinkSync(join(victim, 'precious'), join(out2, 'a.txt'));
    expect(dig('extract', 'a.txt', out2, '--force').code).toBe(0);
    expect(readFileSync(join(victim, 'precious'), 'utf8')).toBe('keep');
    expect(readFileSync(join(out2, 'a.txt'), 'utf8')).toBe('changed');
    expect(dig('extract', 'nope', out2).code).toBe(4);
  });
});
