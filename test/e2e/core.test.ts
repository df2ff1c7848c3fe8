// Acceptance of the core issue, through the real CLI in temp directories.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, dirSize, prng, run, snapshot, tempDir } from '../helpers.js';

const MiB = 1 << 20;

function makeTree(root: string): Map<string, Buffer> {
  const rand = prng(7);
  const files = new Map<string, Buffer>();
  const put = (rel: string, data: Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
    files.set(rel, data);
  };
  put('empty.txt', Buffer.alloc(0));
  put('exact-4096.bin', rand(4096));
  put('over-4097.bin', rand(4097));
  put('random-3mb.bin', rand(3 * 1000 * 1000));
  put('a/b/c/deep.txt', Buffer.from('deep inside\n'));
  put('dir with space/naïve café.txt', Buffer.from('accents and spaces\n'));
  put('日本語/ファイル 1.txt', Buffer.from('non-ASCII names\n'));
  const one = rand(MiB);
  for (let i = 0; i < 10; i++) put(`copies/copy-${i}.bin`, one);
  return files;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('core store end to end (spawned CLI)', () => {
  let home: string, project: string, files: Map<string, Buffer>, root1: string;

  beforeAll(() => {
    home = tempDir('dig-home-');
    project = tempDir('dig-proj-');
    files = makeTree(project);
  });
  afterAll(cleanupTempDirs);

  it('init, add -r, commit prints a 64-hex root', () => {
    expect(run(['init'], { cwd: project, home }).code).toBe(0);
    const add = run(['add', '-r', '.'], { cwd: project, home });
    expect(add.code, add.stderr).toBe(0);
    const c = run(['commit', '-m', 'first'], { cwd: project, home });
    expect(c.code, c.stderr).toBe(0);
    root1 = c.stdout.trim();
    expect(root1).toMatch(/^[0-9a-f]{64}$/);
  });

  it('get and cat return every file byte-identical', () => {
    const out = tempDir('dig-out-');
    // Every file through the library's reader, which the CLI's cat and get wrap…
    const store = Store.open(project, { home });
    for (const [rel, data] of files) expect(sha(store.get(rel)), rel).toBe(sha(data));
    // …and through the CLI: the empty file and a non-ASCII name by cat, the 3 MB one and 4097 bytes by get -o
    // (from a subdirectory).
    for (const [rel, data] of [...files].filter(([rel]) => /empty|4097|3mb|ファイル/.test(rel))) {
      if (/empty|ファイル/.test(rel)) {
        const cat = run(['cat', rel], { cwd: project, home });
        expect(cat.code, `${rel}: ${cat.stderr}`).toBe(0);
        expect(sha(cat.stdoutBuf), rel).toBe(sha(data));
        continue;
      }
      const target = join(out, 'f.out');
      const g = run(['get', rel, '-o', target], { cwd: join(project, 'a'), home });
      expect(g.code, g.stderr).toBe(0);
      expect(sha(readFileSync(target)), rel).toBe(sha(data));
    }
  });

  it('ten identical 1 MiB files cost about 1 MiB: the store holds each chunk once', () => {
    const unique = [...new Set([...files.values()].map(sha))];
    const uniqueBytes = unique.reduce((a, h) => a + [...files.values()].find((d) => sha(d) === h)!.length, 0);
    const size = dirSize(home);
    expect(size).toBeGreaterThanOrEqual(uniqueBytes);
    expect(size).toBeLessThan(uniqueBytes + 256 * 1024);
    // Never one file per chunk: an archive and a few sidecars.
    expect(readdirSync(home).length).toBeLessThanOrEqual(4);
  });

  it('a second commit changing one file reads back new and unchanged content; the old root still reads the old', () => {
    const changed = Buffer.concat([files.get('over-4097.bin')!, Buffer.from('more')]);
    writeFileSync(join(project, 'over-4097.bin'), changed);
    const st = run(['status', '--porcelain'], { cwd: project, home });
    expect(st.stdout.trim()).toBe('M over-4097.bin');
    expect(run(['add', 'over-4097.bin'], { cwd: project, home }).code).toBe(0);
    const c = run(['commit', '-m', 'second', '--json'], { cwd: project, home });
    expect(c.code, c.stderr).toBe(0);
    const r = JSON.parse(c.stdout);
    expect(r.root).not.toBe(root1);
    expect(r.files).toBe(1);
    expect(r.totalFiles).toBe(files.size);
    files.set('over-4097.bin', changed);
    const out = tempDir('dig-out2-');
    expect(run(['extract', '.', out], { cwd: project, home }).code).toBe(0);
    expect(Object.keys(snapshot(out)).sort()).toEqual([...files.keys()].sort());
    for (const [rel, data] of files) expect(sha(readFileSync(join(out, rel))), rel).toBe(sha(data));
    const old = run(['cat', 'over-4097.bin', '--at', root1.slice(0, 12)], { cwd: project, home });
    expect(old.stdoutBuf.length).toBe(4097);
    const log = JSON.parse(run(['log', '--json'], { cwd: project, home }).stdout);
    expect(log.map((e: { root: string }) => e.root)).toEqual([r.root, root1]);
  });

  it('re-adding unchanged content stores no new chunk', () => {
    writeFileSync(join(project, 'copies', 'copy-10.bin'), files.get('copies/copy-0.bin')!);
    const add = run(['add', 'copies', '-r', '--json'], { cwd: project, home });
    const lines = add.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const r = lines[lines.length - 1];
    expect(r.type).toBe('summary');
    expect(r.newChunks).toBe(0);
    expect(r.staged).toBe(1);
  });
});

describe('same tree → same root, whatever the order of adding', () => {
  afterAll(cleanupTempDirs);
  it('files added in several CLI calls in one order, and through the library in one call in reverse, commit the same root', async () => {
    const forward = tempDir('dig-det-');
    const home = tempDir('dig-det-home-');
    const files = [...makeTree(forward).keys()];
    expect(run(['init'], { cwd: forward, home }).code).toBe(0);
    for (let i = 0; i < files.length; i += 6) {
      const a = run(['add', ...files.slice(i, i + 6)], { cwd: forward, home });
      expect(a.code, a.stderr).toBe(0);
    }
    const c = run(['commit', '-m', 'forward'], { cwd: forward, home });
    expect(c.code, c.stderr).toBe(0);
    const reverse = tempDir('dig-det-rev-');
    makeTree(reverse);
    const store = Store.init(reverse, { home: tempDir('dig-det-home2-') });
    await store.add(files.slice().reverse(), { cwd: reverse });
    expect(c.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.commit('reverse')).root).toBe(c.stdout.trim());
  });
});
