// The ingest engine through the library: determinism across workers and batch sizes, streaming of large
// files, and the stat cache rule.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built package: worker threads load dist/ingest/worker-entry.js, which only exists after the build.
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, tempDir } from '../helpers.js';

function makeTree(root: string): void {
  const rand = prng(11);
  for (let d = 0; d < 6; d++) mkdirSync(join(root, `d${d}`), { recursive: true });
  for (let i = 0; i < 300; i++)
    writeFileSync(join(root, `d${i % 6}`, `f${i}.bin`), rand(i % 7 === 0 ? 0 : 100 + ((i * 997) % 12000)));
  writeFileSync(join(root, 'medium.bin'), rand(700_000));
  writeFileSync(join(root, 'dup-a.bin'), rand(50_000));
  writeFileSync(join(root, 'dup-b.bin'), Buffer.concat([rand(10), rand(50_000)]));
}

/** Lets the racy-git window (50 ms on fine-grained file systems) pass, so stat keys are trusted. */
const settle = () => new Promise((r) => setTimeout(r, 120));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
afterAll(cleanupTempDirs);

describe('ingest determinism', () => {
  const project = tempDir('dig-ing-');
  makeTree(project);
  const roots = new Map<string, string>();

  // Every worker count (0, 1, 2, 4) and every batch size (1, 50, 500), in six builds, not all twelve pairs.
  const pairs = [
    [0, 500],
    [1, 1],
    [2, 50],
    [4, 500],
    [4, 1],
    [0, 50],
  ];
  for (const [workers, batchSize] of pairs) {
    it(`workers ${workers}, batch ${batchSize}: same root`, async () => {
      const home = tempDir('dig-ing-home-');
      rmSync(join(project, '.digstore'), { force: true });
      const store = Store.init(project, { home });
      const r = await store.addDirectory('.', { recursive: true, workers, batchSize, streamingThreshold: 100_000 });
      expect(r.failed).toEqual([]);
      expect(r.staged).toBe(303);
      const c = await store.commit('x');
      roots.set(`${workers}/${batchSize}`, c.root);
      expect(new Set(roots.values()).size).toBe(1);
    });
  }
});

describe('streaming large files', () => {
  it('a file above the streaming threshold is read in blocks and reads back identical', async () => {
    const project = tempDir('dig-stream-');
    const home = tempDir('dig-stream-home-');
    const data = prng(5)(3_000_000);
    writeFileSync(join(project, 'big.bin'), data);
    const store = Store.init(project, { home });
    // Threshold 64 KiB: streamed in 8 MiB blocks would be one block, so also force tiny blocks via many files.
    const events: number[] = [];
    await store.add(['big.bin'], {
      cwd: project,
      streamingThreshold: 65_536,
      workers: 1,
      onProgress: (e) => events.push(e.bytesDone),
    });
    const { root } = await store.commit('big');
    expect(sha(store.get('big.bin'))).toBe(sha(data));
    // Same content through the whole-file path gives the same root: cut points do not depend on streaming.
    const p2 = tempDir('dig-stream2-');
    writeFileSync(join(p2, 'big.bin'), data);
    const s2 = Store.init(p2, { home: tempDir('dig-stream2-home-') });
    await s2.add(['big.bin'], { cwd: p2, workers: 0 });
    expect((await s2.commit('whole')).root).toBe(root);
    expect(events[events.length - 1]).toBe(data.length);
  });
});

describe('streaming across blocks', () => {
  it('a 17 MB file in 8 MiB blocks: carried bytes across blocks (whole chunks included) are stored exactly once', async () => {
    const project = tempDir('dig-blocks-');
    const data = prng(9)(17_000_000); // three blocks: two block boundaries to carry across
    writeFileSync(join(project, 'f.bin'), data);
    const roots: string[] = [];
    for (const [workers, streamingThreshold] of [
      [2, 1_000_000],
      [0, 1_000_000],
      [0, 100_000_000],
    ] as const) {
      rmSync(join(project, '.digstore'), { force: true });
      const store = Store.init(project, { home: tempDir('dig-blocks-home-') });
      const r = await store.add(['f.bin'], { cwd: project, workers, streamingThreshold });
      expect(r.newBytes).toBe(data.length); // random data: nothing to dedup, nothing written twice
      roots.push((await store.commit('x')).root);
      expect(sha(store.get('f.bin'))).toBe(sha(data));
    }
    expect(new Set(roots).size).toBe(1);
  });
});

describe('stat cache', () => {
  const project = tempDir('dig-stat-');
  const home = tempDir('dig-stat-home-');
  const old = new Date(Date.now() - 3600_000);
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(project, name), content);
    utimesSync(join(project, name), old, old); // older than the racy-git window
  };
  let store: Store;

  it('skips unchanged files on re-add (staged or committed) without reading them', async () => {
    for (let i = 0; i < 20; i++) write(`f${i}.txt`, `content ${i}\n`);
    await settle();
    store = Store.init(project, { home });
    const first = await store.addDirectory('.', { recursive: true });
    expect(first.skippedByStatCache).toBe(0);
    const again = await store.addDirectory('.', { recursive: true });
    expect(again.skippedByStatCache).toBe(20); // unchanged vs staged
    await store.commit('one');
    const third = await store.addDirectory('.', { recursive: true });
    expect(third.skippedByStatCache).toBe(20); // unchanged vs committed
    expect(third.bytes).toBe(0);
  });

  it('never skips a changed file, even with the same size and mtime put back', async () => {
    const p = join(project, 'f3.txt');
    const before = statSync(p);
    writeFileSync(p, 'CONTENT 3\n'); // same size
    utimesSync(p, before.atime, before.mtime); // mtime restored: only ctime tells
    expect(statSync(p).mtimeMs).toBe(before.mtimeMs);
    await settle();
    const r = await store.addDirectory('.', { recursive: true });
    expect(r.staged).toBe(1);
    expect(r.skippedByStatCache).toBe(19);
    expect(store.status().staged).toEqual([{ path: 'f3.txt', change: 'modified' }]);
    await store.commit('two');
    expect(store.get('f3.txt').toString()).toBe('CONTENT 3\n');
  });

  it('does not trust a key recorded for a file modified just before it was read (racy git)', async () => {
    writeFileSync(join(project, 'fresh.txt'), 'v1'); // mtime = now: racy
    await store.add(['fresh.txt'], { cwd: project });
    writeFileSync(join(project, 'fresh.txt'), 'v2'); // may keep the same mtime tick and size
    const r = await store.add(['fresh.txt'], { cwd: project });
    expect(r.skippedByStatCache).toBe(0);
    await store.commit('three');
    expect(store.get('fresh.txt').toString()).toBe('v2');
  });
});
