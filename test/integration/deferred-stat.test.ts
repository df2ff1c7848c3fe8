// `add` of a directory leaves the lstat of regular files to the workers that read them (ingest/deferred-stat.ts)
// once there are enough of them: the result must be exactly what stat-ing every file first gives.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built package: worker threads load dist/ingest/worker-entry.js, which only exists after the build.
import { Store } from '../../dist/index.js';
import { readFilesInto, READ_DEFERRED, READ_UNKNOWN } from '../../src/ingest/read-batch.js';
import { STAT_FIELDS } from '../../src/ingest/deferred-stat.js';
import { cleanupTempDirs, prng, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);
const settle = () => new Promise((r) => setTimeout(r, 120));

/** 1,040 small files (more than the main thread stats itself: DEFER_MIN_FILES), and the odd ones out. */
function makeTree(root: string): string[] {
  const rand = prng(21);
  const paths: string[] = [];
  for (let d = 0; d < 8; d++) mkdirSync(join(root, `d${d}`));
  for (let i = 0; i < 1040; i++) {
    const p = `d${i % 8}/f${i}.bin`;
    writeFileSync(join(root, p), rand(i % 50 === 0 ? 0 : (i * 131) % 3000));
    paths.push(p);
  }
  // In the last directories, larger than a batch's room once the average size is known (~2 × 200 × 1.5 KB): the
  // worker leaves them for later, and they are read in a batch of their own.
  for (let d = 5; d < 8; d++) {
    writeFileSync(join(root, `d${d}`, 'wide.bin'), rand(700_000));
    paths.push(`d${d}/wide.bin`);
  }
  writeFileSync(join(root, 'big.bin'), rand(1_500_000)); // above the streaming threshold below: streamed
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  symlinkSync('d0/f0.bin', join(root, 'link'));
  paths.push('big.bin', 'run.sh', 'link');
  return paths;
}

describe('add with the stat left to the workers', () => {
  const project = tempDir('dig-defer-');
  const paths = makeTree(project);
  const opts = { recursive: true, streamingThreshold: 1_000_000, batchSize: 200 };

  async function commitWith(add: (s: Store) => Promise<{ staged: number; failed: unknown[] }>) {
    rmSync(join(project, '.digstore'), { force: true });
    const store = Store.init(project, { home: tempDir('dig-defer-home-') });
    const r = await add(store);
    expect(r.failed).toEqual([]);
    expect(r.staged).toBe(paths.length);
    return { store, root: (await store.commit('x')).root };
  }

  let threads: { store: Store; root: string };
  it('gives the root that stat-ing every path first gives, with modes and sizes, whatever the workers', async () => {
    // Naming every file makes the main thread lstat each one; a directory scan leaves that to the readers.
    const named = await commitWith((s) => s.add(paths, opts));
    const inProcess = await commitWith((s) => s.addDirectory('.', { ...opts, workers: 0 }));
    await settle(); // the racy-git window: the keys the workers record must be trusted by the re-add below
    threads = await commitWith((s) => s.addDirectory('.', { ...opts, workers: 2 }));
    expect(inProcess.root).toBe(named.root);
    expect(threads.root).toBe(named.root);
    const byPath = new Map(threads.store.find('*').map((f) => [f.path, f]));
    expect(byPath.get('run.sh')?.mode).toBe(0o100755);
    expect(byPath.get('link')?.mode).toBe(0o120000);
    expect(byPath.get('big.bin')?.size).toBe(1_500_000);
    expect(byPath.get('d7/wide.bin')?.size).toBe(700_000);
  });

  it('records stat keys from the workers: a re-add reads nothing', async () => {
    const again = await threads.store.addDirectory('.', { ...opts, workers: 2 });
    expect(again.skippedByStatCache).toBe(paths.length);
    expect(again.staged).toBe(0);
  });
});

describe('reading a file the scan did not stat', () => {
  const dir = tempDir('dig-defer-read-');
  writeFileSync(join(dir, 'small'), 'abc');
  writeFileSync(join(dir, 'large'), Buffer.alloc(5000, 7));
  symlinkSync('small', join(dir, 'swapped-for-a-link'));
  const hasFifo = spawnSync('mkfifo', [join(dir, 'fifo')]).status === 0;

  it('fstats what it opened; leaves a file larger than the room for later; refuses a link or a FIFO', () => {
    const names = ['small', 'large', 'swapped-for-a-link', ...(hasFifo ? ['fifo'] : [])];
    const sizes = new Int32Array(names.length).fill(READ_UNKNOWN);
    const r = readFilesInto(
      names.map((n) => join(dir, n)),
      sizes,
      new Uint8Array(1000),
    );
    expect(r.sizes[0]).toBe(3);
    expect(r.stats?.[0]).toBe(3); // its size, as fstat saw it
    expect(r.sizes[1]).toBe(READ_DEFERRED);
    expect(r.stats?.[STAT_FIELDS]).toBe(5000);
    expect(r.sizes[2]).toBe(-1); // never followed
    expect(r.errors[2]).toMatch(/became a symbolic link/);
    if (hasFifo) {
      expect(r.sizes[3]).toBe(-1); // opened without blocking, then refused
      expect(r.errors[3]).toMatch(/no longer a regular file/);
    }
    expect(r.used).toBe(3);
  });
});
