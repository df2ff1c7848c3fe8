// History and inspection commands, and deletions (rm, add of a deleted path, add -A), through the CLI:
// each command with and without --json on a store with several layers.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, run, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(3);
const home = tempDir('dig-hist-home-');
const project = tempDir('dig-hist-');
const outside = tempDir('dig-hist-out-');
const dig = (...args: string[]) => run(args, { cwd: project, home });
const json = (...args: string[]) => {
  const r = dig(...args, '--json');
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
};
const roots: string[] = [];
let storeId = '';

describe('deletions', () => {
  it('rm, add of a deleted path and add -A stage deletions; deleted files are absent at later roots only', () => {
    storeId = json('init').storeId;
    mkdirSync(join(project, 'd'));
    for (const f of ['a.txt', 'b.txt', 'd/c.txt', 'd/e.txt', 'keep.txt']) writeFileSync(join(project, f), `${f}\n`);
    writeFileSync(join(project, 'd', 'big.bin'), rand(300_000));
    dig('add', '-A');
    roots.push(dig('commit', '-m', 'one').stdout.trim());

    // add of a path deleted from disk stages its deletion.
    rmSync(join(project, 'a.txt'));
    expect(dig('add', 'a.txt').code).toBe(0);
    // rm deletes the working file too (it is unchanged) and stages the deletion.
    expect(dig('rm', 'b.txt').stdout).toBe("rm 'b.txt'\n");
    expect(existsSync(join(project, 'b.txt'))).toBe(false);
    // rm refuses to destroy uncommitted content (exit 1: refused, not a usage error); --cached keeps the file.
    writeFileSync(join(project, 'd', 'c.txt'), 'edited\n');
    const refused = dig('rm', 'd/c.txt');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not committed.*--cached/);
    expect(dig('rm', '--cached', 'd/c.txt').code).toBe(0);
    expect(existsSync(join(project, 'd', 'c.txt'))).toBe(true);
    expect(dig('rm', 'd').code).toBe(2); // a directory needs -r
    expect(dig('rm', 'nothing-here').code).toBe(4);
    expect(json('staged').map((e: { path: string; change: string }) => `${e.change} ${e.path}`)).toEqual([
      'deleted a.txt',
      'deleted b.txt',
      'deleted d/c.txt',
    ]);
    expect(dig('status', '-s').stdout).toContain('D  a.txt');
    roots.push(dig('commit', '-m', 'two').stdout.trim());

    // add -A stages the deletion of tracked files gone from disk; an ignored but present file stays tracked.
    rmSync(join(project, 'd', 'e.txt'));
    writeFileSync(join(project, '.digignore'), 'keep.txt\n');
    expect(dig('add', '-A').code).toBe(0);
    roots.push(dig('commit', '-m', 'three').stdout.trim());
    expect(dig('add', 'never-existed.txt').code).toBe(4);

    // Present where they existed, absent after their deletion: the CLI for one pair, the library for the rest.
    const at = (root: string, path: string) =>
      run(['cat', `urn:dig:chia:${storeId}:${root}/${path}`], { cwd: outside, home });
    expect(at(roots[0], 'a.txt').stdout).toBe('a.txt\n');
    const store = Store.open(project, { home });
    // log(n): the newest n generations, newest first (only their layers are read).
    expect(store.log(2).map((e) => e.root)).toEqual([roots[2], roots[1]]);
    expect(store.log(0)).toEqual([]);
    expect(store.log().map((e) => e.root)).toEqual([...roots].reverse());
    const read = (root: string, path: string) => {
      try {
        return store.get(path, { root }).toString();
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(read(roots[1], 'a.txt')).toBe('NOT_FOUND');
    expect(read(roots[0], 'b.txt')).toBe('b.txt\n');
    expect(read(roots[2], 'b.txt')).toBe('NOT_FOUND');
    expect(read(roots[1], 'd/e.txt')).toBe('d/e.txt\n');
    expect(read(roots[2], 'd/e.txt')).toBe('NOT_FOUND');
    expect(read(roots[2], 'keep.txt')).toBe('keep.txt\n');
    expect(read(roots[0], 'd/c.txt')).toBe('d/c.txt\n');
    expect(read(roots[1], 'd/c.txt')).toBe('NOT_FOUND'); // deleted with rm --cached…
    expect(read(roots[2], 'd/c.txt')).toBe('edited\n'); // …and, still on disk, added back by add -A (as git does)
  });
});

// Each command's human output goes through the CLI; where --json is only the library's value serialized, its
// shape is checked through the library, with one --json call per command family to pin the CLI path.
const lib = () => Store.open(project, { home });

describe('history and inspection (with and without --json)', () => {
  it('root and history', () => {
    expect(dig('root').stdout.trim()).toBe(roots[2]);
    expect(lib().root()).toBe(roots[2]);
    const h = json('history');
    expect(h.map((e: { root: string }) => e.root)).toEqual(roots);
    expect(h.map((e: { message: string }) => e.message)).toEqual(['one', 'two', 'three']);
    const text = dig('history').stdout.trim().split('\n');
    expect(text).toHaveLength(3);
    expect(text[1]).toContain(roots[1]);
    expect(text[1]).toMatch(/layer 2 \(delta\)\s+two$/);
  });

  it('layers, info, inspect', () => {
    const layers = json('layers', '--size');
    // 3: .digignore, d/big.bin, d/c.txt (re-added), keep.txt
    expect(layers.map((l: { number: number; files: number }) => [l.number, l.files])).toEqual([
      [1, 6],
      [2, 3],
      [3, 4],
    ]);
    expect(layers.map((l: { type: string; entries: number }) => [l.type, l.entries])).toEqual([
      ['full', 6],
      ['delta', 3],
      ['delta', 3],
    ]);
    expect(dig('layers', '--size').stdout).toMatch(/^layer 1 {2}full {3}6 entries {2}6 files .* data \d/m);
    expect(json('layers', '--delta').map((l: { number: number }) => l.number)).toEqual([2, 3]);
    const info = lib().info();
    expect(info).toMatchObject({ storeId, generations: 3, root: roots[2], files: 4, staged: 0 });
    expect(dig('info').stdout).toMatch(/^generations 3$/m);
    expect(json('info', '--layer', '2')).toMatchObject({ number: 2, root: roots[1], message: 'two' });
    const insp = lib().inspect(1);
    expect(insp).toMatchObject({ number: 1, type: 'full', files: 6, checksum: 'ok', root: roots[0] });
    expect(insp.sections.map((s: { name: string }) => s.name)).toEqual(['meta', 'file index', 'chunk index', 'merkle']);
    expect(dig('inspect', '1').stdout).toMatch(/^checksum +ok$/m);
    expect(dig('inspect', '9').code).toBe(4);
  });

  it('size and stats', () => {
    const s = lib().size();
    expect(s.logicalLatest).toBe(300_000 + 'keep.txt\n'.length * 2 + 'edited\n'.length);
    expect(s.storedData).toBeGreaterThanOrEqual(300_000);
    expect(s.dedupSavings).toBeGreaterThan(0.5); // the big file is in all three generations, stored once
    expect(dig('size').stdout).toMatch(/dedup savings +\d+\.\d%/);
    const st = json('stats'); // the one --json of this pair
    expect(st).toMatchObject({ generations: 3, files: 4 });
    expect(st.chunks).toBeGreaterThan(6);
    expect(Object.values(st.histogram).reduce((a: number, b) => a + (b as number), 0)).toBe(st.chunks);
    expect(dig('stats').stdout).toMatch(/^chunk size +min/m);
  });

  it('diff and find', async () => {
    const d = lib().diff(roots[0], roots[2]);
    expect(d.map((e: { change: string; path: string }) => `${e.change} ${e.path}`)).toEqual([
      'added .digignore',
      'deleted a.txt',
      'deleted b.txt',
      'modified d/c.txt',
      'deleted d/e.txt',
    ]);
    expect(dig('diff', roots[0].slice(0, 8), '--name-only').stdout).toBe(
      '.digignore\na.txt\nb.txt\nd/c.txt\nd/e.txt\n',
    );
    expect(dig('diff', roots[0].slice(0, 8), roots[1]).stdout).toBe('D  a.txt\nD  b.txt\nD  d/c.txt\n');
    writeFileSync(join(project, 'new.txt'), 'n');
    writeFileSync(join(project, 'd', 'big.bin'), rand(1000));
    await lib().add(['new.txt', 'd/big.bin'], { cwd: project });
    expect(dig('staged').stdout).toBe('M  d/big.bin\nA  new.txt\n');
    roots.push((await lib().commit('four')).root);
    expect(dig('diff', roots[2]).stdout).toBe('M  d/big.bin\nA  new.txt\n');
    expect(dig('find', '*.txt').stdout).toBe('d/c.txt\nkeep.txt\nnew.txt\n');
    expect(dig('find', 'd/**', '--at', roots[0]).stdout).toBe('d/big.bin\nd/c.txt\nd/e.txt\n');
    expect(lib().find('*.bin')).toEqual([expect.objectContaining({ path: 'd/big.bin', size: 1000 })]);
    expect(dig('find', '').code).toBe(2);
  });

  it('after 25 commits: a full layer every 10, and any root resolves with at most 10 layer reads', async () => {
    // The 21 commits are made through the library (the CLI's commit is covered above); reads go through both.
    const store = Store.open(project, { home });
    for (let i = 0; i < 21; i++) {
      writeFileSync(join(project, 'counter.txt'), String(i));
      await store.add(['counter.txt'], { cwd: project });
      roots.push((await store.commit(`c${i}`)).root);
    }
    const h = json('history');
    expect(h).toHaveLength(25);
    expect(h.map((e: { type: string }) => e.type[0]).join('')).toBe('fdddddddddfdddddddddfdddd');
    const g = json('get', 'a.txt', '--at', roots[0]);
    expect(Buffer.from(g.content, 'base64').toString()).toBe('a.txt\n');
    expect(g).toMatchObject({ generation: 1, layerReads: 1 });
    // The worst case: the last delta before a full layer (generation 10) needs its whole chain.
    const reads = roots.map((root) => Store.open(project, { home }).stat('keep.txt', { root }).layerReads);
    expect(Math.max(...reads)).toBeLessThanOrEqual(10);
    expect(reads[9]).toBe(10);
    expect(json('get', 'counter.txt', '--at', roots[24]).layerReads).toBe(1); // found in the newest delta at once
    // Every generation still reads back exactly, and check recomputes every root across full and delta layers.
    expect(lib().get('counter.txt', { root: roots[14] }).toString()).toBe('10');
    expect((await lib().check({ deep: true })).ok).toBe(true);
    // commit --full writes a full layer whatever the chain.
    writeFileSync(join(project, 'counter.txt'), 'full');
    await store.add(['counter.txt'], { cwd: project });
    expect(JSON.parse(dig('commit', '-m', 'full', '--full', '--json').stdout).type).toBe('full');
  });
});
