// `check --repair`: an archive truncated anywhere, or a damaged superblock slot, comes back at the newest
// generation whose bytes are all intact — every root and file of it and before it verified, nothing newer
// invented, the cut bytes kept in a side file — and then takes new commits. A commit refuses to write over a
// damaged slot.
import { copyFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairStore, Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, roundsTimeout, run, scaled, sha256hex, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const HEADER = 256; // two superblock slots
const rand = prng(77);

interface Generation {
  root: string;
  /** Archive length once committed (a commit truncates to it). */
  length: number;
  files: Map<string, string>;
}

describe('check --repair', () => {
  let pristineHome: string, archiveName: string, storeId: string;
  const gens: Generation[] = [];

  beforeAll(async () => {
    pristineHome = tempDir('dig-rep-home-');
    const project = tempDir('dig-rep-proj-');
    const store = Store.init(project, { home: pristineHome });
    storeId = store.storeId;
    const files = new Map<string, string>();
    for (let g = 1; g <= 4; g++) {
      const data = rand(20_000 + g * 7_000);
      writeFileSync(join(project, `f${g}.bin`), data);
      writeFileSync(join(project, 'same.txt'), `version ${g}\n`);
      files.set(`f${g}.bin`, sha256hex(data)).set('same.txt', sha256hex(`version ${g}\n`));
      await store.add([`f${g}.bin`, 'same.txt']);
      const { root } = await store.commit(`g${g}`);
      archiveName = readdirSync(pristineHome).find((f) => f.endsWith('.dig'))!;
      gens.push({ root, length: statSync(join(pristineHome, archiveName)).size, files: new Map(files) });
    }
  });

  /** A project linked to a fresh copy of the pristine store; `damage` edits its archive. */
  function damagedCopy(damage: (archive: string) => void) {
    const home = tempDir('dig-rep-copy-');
    const project = tempDir('dig-rep-p-');
    copyFileSync(join(pristineHome, archiveName), join(home, archiveName));
    Store.init(project, { home, storeId });
    damage(join(home, archiveName));
    return { home, project, archive: join(home, archiveName) };
  }

  /** Generation `g` and everything before it read back exactly; nothing after it exists. */
  async function expectAt(home: string, project: string, g: number): Promise<void> {
    const store = Store.open(project, { home });
    expect(store.history().map((h) => h.root)).toEqual(gens.slice(0, g).map((x) => x.root));
    for (const x of gens.slice(0, g))
      for (const [p, h] of x.files) expect(sha256hex(store.get(p, { root: x.root })), `${p} @ ${x.root}`).toBe(h);
    expect((await store.check({ deep: true })).problems).toEqual([]);
    writeFileSync(join(project, 'after.txt'), 'after repair\n');
    await store.add(['after.txt']);
    await store.commit('after repair'); // the store takes new commits
    expect((await store.check({ deep: true })).ok).toBe(true);
  }

  const rounds = scaled(10);
  it(
    `a truncation at ${rounds} random offsets: back to the newest intact generation, the cut bytes kept`,
    async () => {
      const full = readFileSync(join(pristineHome, archiveName));
      for (let i = 0; i < rounds; i++) {
        const at = HEADER + (rand(4).readUInt32LE(0) % (full.length - HEADER));
        const { home, project, archive } = damagedCopy((a) => truncateSync(a, at));
        const want = gens.filter((x) => x.length <= at).length;
        const viaCli = i < 2; // the CLI on two rounds, the library (the same code) on the rest
        if (viaCli) {
          const c = run(['check'], { cwd: project, home });
          expect(c.code).toBe(5);
          expect(c.stdout).toMatch(/shorter than its committed length/);
          expect(c.stderr).toMatch(/check --repair/);
          const r = run(['check', '--repair', '--yes'], { cwd: project, home });
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toMatch(new RegExp(`repaired: the store is at generation ${want}`));
        } else {
          const r = await repairStore(project, { home, yes: true });
          expect({ at, repaired: r.repaired, generation: r.recovered.generation }).toEqual({
            at,
            repaired: true,
            generation: want,
          });
        }
        const cutFrom = want === 0 ? HEADER : gens[want - 1].length;
        expect(statSync(archive).size).toBe(cutFrom);
        const side = readdirSync(home).find((f) => f.includes('.cut-'));
        if (at > cutFrom) expect(readFileSync(join(home, side!)).equals(full.subarray(cutFrom, at))).toBe(true);
        await expectAt(home, project, want);
      }
    },
    roundsTimeout(rounds, 10_000),
  );

  it('a damaged slot: check names it, commit refuses, repair brings back the newest intact generation', async () => {
    // The newer generation (4) is in one slot, 3 in the other: damage each in turn.
    const header = readFileSync(join(pristineHome, archiveName)).subarray(0, HEADER);
    const newer = header.readBigUInt64LE(48) > header.readBigUInt64LE(128 + 48) ? 0 : 1;
    for (const slot of [newer, 1 - newer]) {
      const { home, project } = damagedCopy((a) => {
        const b = readFileSync(a);
        b[slot * 128 + 60] ^= 0xff;
        writeFileSync(a, b);
      });
      // The store opens from the intact slot; a writer would append after it (over what the damaged slot may
      // still name) and publish into the damaged slot: add and commit are refused, nothing is written. Through
      // the CLI for one slot, the library (the same code) for the other.
      writeFileSync(join(project, 'x.txt'), 'x');
      const before = readFileSync(join(home, archiveName));
      if (slot === newer) {
        const c = run(['check'], { cwd: project, home });
        expect(c.code).toBe(5);
        expect(c.stdout).toMatch(new RegExp(`superblock slot ${slot + 1}`));
        for (const args of [
          ['add', 'x.txt'],
          ['commit', '-m', 'over a damaged slot'],
        ]) {
          const w = run(args, { cwd: project, home });
          expect(w.code).toBe(5);
          expect(w.stderr).toMatch(/refusing to write over it.*check --repair/);
        }
      } else {
        const c = await Store.openForCheck(project, { home }).check();
        expect(c.problems.map((p) => p.message).join()).toMatch(new RegExp(`superblock slot ${slot + 1}`));
        const store = Store.open(project, { home });
        await expect(store.add(['x.txt'])).rejects.toThrow(/refusing to write over it/);
        await expect(store.commit('over a damaged slot')).rejects.toThrow(/refusing to write over it/);
      }
      expect(readFileSync(join(home, archiveName)).equals(before)).toBe(true);
      const r = await repairStore(project, { home, yes: true });
      expect(r.recovered.generation).toBe(4);
      expect(r.lost).toEqual([]);
      await expectAt(home, project, 4);
    }
  });

  it('a clean store: nothing to repair, nothing changes', async () => {
    const { home, project, archive } = damagedCopy(() => {});
    const before = readFileSync(archive);
    const r = run(['check', '--repair', '--yes'], { cwd: project, home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: nothing to repair\n');
    expect(readFileSync(archive).equals(before)).toBe(true);
  });
});
