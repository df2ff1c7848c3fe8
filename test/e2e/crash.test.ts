// Crash safety: `add -A && commit` of a changed tree is killed with SIGKILL at random (seeded) moments.
// After each kill the store must pass `check --deep`, its latest generation must be the old one or the new
// one, complete and byte-identical, and the next writer must recover and commit the expected root.
// Kill moments are stratified over the measured duration of one add + commit; if by chance no kill left one of
// the two outcomes, more runs follow in the slice that lacks it. 4 runs by default; DIGSTORE_TEST_SCALE=125
// (or DIGSTORE_CRASH_RUNS=500) for the long run.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import {
  CLI,
  cleanupTempDirs,
  committedStore,
  prng,
  roundsTimeout,
  run,
  scaled,
  sha256hex as sha,
  start,
  tempDir,
} from '../helpers.js';

const RUNS = process.env.DIGSTORE_CRASH_RUNS ? Number(process.env.DIGSTORE_CRASH_RUNS) : scaled(2);

function writeTree(root: string, version: number): Map<string, string> {
  const rand = prng(100 + version);
  const files = new Map<string, string>();
  const put = (rel: string, data: Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
    files.set(rel, sha(data));
  };
  for (let i = 0; i < 150; i++) put(`small/d${i % 10}/f${i}.txt`, rand(100 + ((i * 37) % 6000)));
  for (let i = 0; i < 2; i++) put(`medium/m${i}.bin`, rand(600_000));
  put('large/big.bin', rand(2_000_000)); // many chunks: a kill can land between any two
  if (version === 2) put('new/added.txt', Buffer.from('only in version 2\n'));
  return files;
}

async function killAfter(ms: number, cwd: string, home: string): Promise<void> {
  const script = `"${process.execPath}" "${CLI}" add -A && "${process.execPath}" "${CLI}" commit -m v2`;
  // detached: the kill reaches the shell and the digstore process (one process group).
  const child = start('sh', ['-c', script], { cwd, env: { ...process.env, DIGSTORE_HOME: home }, detached: true });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await child.done;
  clearTimeout(timer);
}

describe(`crash safety: ${RUNS} SIGKILLs during add + commit`, () => {
  let project: string,
    pristine: string,
    v1: Map<string, string>,
    v2: Map<string, string>,
    root1: string,
    root2: string,
    duration: number;

  beforeAll(async () => {
    project = tempDir('dig-crash-');
    pristine = tempDir('dig-crash-home-');
    v1 = writeTree(project, 1);
    root1 = await committedStore(project, pristine, ['small', 'medium', 'large'], 'v1');
    v2 = writeTree(project, 2);
    const probe = tempDir('dig-crash-probe-');
    cpSync(pristine, probe, { recursive: true });
    const t = performance.now();
    run(['add', '-A'], { cwd: project, home: probe });
    root2 = run(['commit', '-m', 'v2'], { cwd: project, home: probe }).stdout.trim();
    duration = performance.now() - t;
    expect(root2).toMatch(/^[0-9a-f]{64}$/);
    expect(root2).not.toBe(root1);
  });
  afterAll(cleanupTempDirs);

  it(
    'every kill leaves a valid store at the old or the new generation, and the next writer recovers',
    async () => {
      const rand = prng(2024);
      const seen = { old: 0, new: 0 };
      // Kill moment of run i: in the i-th of RUNS slices of [0, 1.1 × duration). On a machine busier than during
      // the probe, the last slice may still fall before the commit: then extra runs (at most RUNS more) kill later
      // and later (+25% of the duration each) until one leaves the new generation; likewise early for the old one.
      const killAt = (i: number) => {
        const jitter = rand(2).readUInt16LE(0) / 65536;
        if (i < RUNS) return ((i + jitter) / RUNS) * duration * 1.1;
        if (seen.old === 0) return (jitter / RUNS) * duration;
        return duration * (1.1 + 0.25 * (i - RUNS + 1));
      };
      for (let i = 0; i < 2 * RUNS && (i < RUNS || seen.old === 0 || seen.new === 0); i++) {
        const home = join(pristine, '..', `dig-crash-run-${process.pid}-${i}`);
        rmSync(home, { recursive: true, force: true });
        cpSync(pristine, home, { recursive: true });
        const at = Math.floor(killAt(i));
        await killAfter(at, project, home);

        const store = Store.open(project, { home });
        const check = await store.check({ deep: true });
        expect(check.problems, `run ${i} (kill at ${at} ms)`).toEqual([]);
        const root = store.root();
        expect([root1, root2], `run ${i}`).toContain(root);
        const want = root === root1 ? v1 : v2;
        seen[root === root1 ? 'old' : 'new']++;
        expect(store.countFilesInCommit()).toBe(want.size);
        for (const [path, hash] of want) expect(sha(store.get(path)), `run ${i}: ${path}`).toBe(hash);

        // The next writer takes over the dead process's lock, drops its partial data, and commits v2.
        if (root === root1) {
          const add = run(['add', '-A'], { cwd: project, home });
          expect(add.code, add.stderr).toBe(0);
          const c = run(['commit', '-m', 'v2'], { cwd: project, home });
          expect(c.code, c.stderr).toBe(0);
          expect(c.stdout.trim()).toBe(root2);
          expect((await store.check({ deep: true })).problems).toEqual([]);
        }
        rmSync(home, { recursive: true, force: true });
      }
      console.log(`crash runs: ${seen.old} left the old generation, ${seen.new} the new one`);
      // The seeded moments cover both outcomes (otherwise the test would not be testing much).
      expect(seen.old).toBeGreaterThan(0);
      expect(seen.new).toBeGreaterThan(0);
    },
    roundsTimeout(2 * RUNS),
  );
});
