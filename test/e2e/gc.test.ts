// gc / archive --compact: data no generation names is dropped, every generation and root stays; a dry run
// changes nothing; staged changes are never dropped; SIGKILL at any moment of a gc leaves a valid store
// with the same roots and files. Stores are built and checked through the library (fast, in-process); the
// command under test (gc, archive) is the real CLI.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProof, Store, verifyProof } from '../../dist/index.js';
import {
  archiveSize,
  cleanupTempDirs,
  prng,
  roundsTimeout,
  run,
  scaled,
  sha256hex,
  snapshot,
  startCli,
  tempDir,
} from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(51);
interface GarbageStore {
  project: string;
  home: string;
  roots: string[];
  files: Array<Map<string, Buffer>>;
}

/** A store whose layers hold replaced-before-commit data: each file is staged twice with different content. */
async function storeWithGarbage(mb: number): Promise<GarbageStore> {
  const project = tempDir('dig-gc-');
  const home = tempDir('dig-gc-home-');
  const store = Store.init(project, { home });
  const roots: string[] = [];
  const files: Array<Map<string, Buffer>> = [];
  const current = new Map<string, Buffer>();
  for (let g = 0; g < 3; g++) {
    mkdirSync(join(project, `g${g}`), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const p = `g${g}/f${i}.bin`;
      writeFileSync(join(project, p), rand((mb * 1_000_000) / 12));
      await store.add([p], { cwd: project }); // staged, then replaced: its chunks become garbage
      const data = rand((mb * 1_000_000) / 12);
      writeFileSync(join(project, p), data);
      current.set(p, data);
    }
    await store.add([`g${g}`], { cwd: project, recursive: true });
    roots.push((await store.commit(`g${g}`)).root);
    files.push(new Map(current));
  }
  return { project, home, roots, files };
}

/** Every root still in the history; the generations from `from` on readable and byte-identical; check --deep clean. */
async function expectIntact(s: GarbageStore, from = 0): Promise<void> {
  const store = Store.open(s.project, { home: s.home });
  expect(store.history().map((g) => g.root)).toEqual(s.roots);
  s.roots.forEach((root, i) => {
    if (i < from) return;
    expect(store.countFilesInCommit(root)).toBe(s.files[i].size);
    for (const [p, data] of s.files[i])
      expect(sha256hex(store.get(p, { root })), `${p} at generation ${i + 1}`).toBe(sha256hex(data));
  });
  expect((await store.check({ deep: true })).problems).toEqual([]);
}

describe('gc', () => {
  it('reclaims replaced data, keeps every generation; dry run and staged changes change nothing', async () => {
    const s = await storeWithGarbage(2);
    const cli = (args: string[]) => run(args, { cwd: s.project, home: s.home });
    const before = archiveSize(s.home);
    const dry = JSON.parse(cli(['gc', '--dry-run', '--json']).stdout);
    expect(dry.unreferencedChunks).toBeGreaterThan(0);
    expect(dry.rewritten).toBe(false);
    expect(archiveSize(s.home)).toBe(before);
    // Staged changes would be lost by a rewrite: refused.
    writeFileSync(join(s.project, 'staged.txt'), 'x');
    const lib = Store.open(s.project, { home: s.home }); // set-up through the library: gc is the subject
    await lib.add(['staged.txt'], { cwd: s.project });
    const snap = snapshot(s.home);
    expect(cli(['gc']).code).toBe(2);
    expect(snapshot(s.home)).toEqual(snap);
    s.roots.push((await lib.commit('staged')).root);
    s.files.push(new Map([...s.files[2], ['staged.txt', Buffer.from('x')]]));

    const r = JSON.parse(cli(['gc', '--json']).stdout);
    expect(r.rewritten).toBe(true);
    expect(archiveSize(s.home)).toBe(r.compactedBytes);
    expect(archiveSize(s.home)).toBeLessThan(before * 0.6);
    await expectIntact(s);
    expect(JSON.parse(cli(['gc', '--json']).stdout).rewritten).toBe(false);
    expect(cli(['archive', '--stats']).stdout).toMatch(/reclaimable +0 B/);
    expect(cli(['archive', '--verify']).code).toBe(0);
    // The store keeps working after a rewrite: dedup against moved chunks, new commits.
    writeFileSync(join(s.project, 'copy.bin'), s.files[0].get('g0/f1.bin')!);
    const after = Store.open(s.project, { home: s.home });
    await after.add(['copy.bin'], { cwd: s.project });
    expect((await after.commit('copy')).newChunks).toBe(0);
    expect((await after.check({ deep: true })).problems).toEqual([]);
  });

  it('--keep-history N prunes older generations: their roots stay (proofs of them still verify), their data goes', async () => {
    const s = await storeWithGarbage(1);
    const store = Store.open(s.project, { home: s.home });
    for (let g = 3; g < 6; g++) {
      writeFileSync(join(s.project, `late${g}.txt`), `late ${g}`);
      await store.add([`late${g}.txt`], { cwd: s.project });
      s.roots.push((await store.commit(`late${g}`)).root);
      s.files.push(new Map([...s.files.at(-1)!, [`late${g}.txt`, Buffer.from(`late ${g}`)]]));
    }
    const cli = (args: string[], home = s.home) => run(args, { cwd: s.project, home });
    const before = archiveSize(s.home);
    const r = JSON.parse(cli(['gc', '--keep-history', '2', '--json']).stdout);
    expect(r).toMatchObject({ layers: 6, pruned: 4, rewritten: true });
    expect(archiveSize(s.home)).toBeLessThan(before);
    await expectIntact(s, 4);
    expect(store.history().map((g) => g.type)).toEqual(['pruned', 'pruned', 'pruned', 'pruned', 'full', 'delta']);
    const old = cli(['cat', 'g0/f0.bin', '--at', s.roots[0]]);
    expect(old.code).toBe(4);
    expect(old.stderr).toMatch(/removed by gc --keep-history/);
    // A pruned layer's root is still part of every later root: its layer proof still verifies (the CLI for the
    // proof; the library, which verify runs, for the check).
    expect(cli(['prove', '--layer', '1', '-o', 'pl.json']).code).toBe(0);
    expect(verifyProof(readProof(join(s.project, 'pl.json')), { root: s.roots[5] }).valid).toBe(true);
    // Life goes on: commits, a full export and import elsewhere (the library: transfer.test covers the CLI).
    writeFileSync(join(s.project, 'after.txt'), 'after');
    await store.add(['after.txt'], { cwd: s.project });
    await store.commit('after');
    const exported = join(tempDir('dig-gc-exp-'), 'pruned.dig');
    await store.export(exported);
    const other = tempDir('dig-gc-imp-');
    await Store.import(exported, { home: other });
    const linked = tempDir('dig-gc-lnk-');
    expect(Store.init(linked, { home: other, storeId: store.storeId }).get('after.txt').toString()).toBe('after');
    expect(cli(['gc', '--keep-history', '0']).code).toBe(2);
  });

  it(
    'SIGKILL at spread-out moments of gc / gc --keep-history / archive --compact: always a valid store with the same roots and files',
    async () => {
      const s = await storeWithGarbage(6);
      const pristine = tempDir('dig-gc-pristine-');
      cpSync(s.home, pristine, { recursive: true });
      // How long one gc takes on this machine now (the kill moments are fractions of it).
      const probe = tempDir('dig-gc-probe-');
      cpSync(pristine, probe, { recursive: true });
      const t = performance.now();
      run(['gc'], { cwd: s.project, home: probe });
      const duration = performance.now() - t;
      const runs = scaled(2);
      const r = prng(7);
      let rewritten = 0;
      for (let i = 0; i < runs; i++) {
        const keep = i % 2 === 1; // every other run prunes too: gc --keep-history 1
        const args = keep ? ['gc', '--keep-history', '1'] : i % 4 === 0 ? ['gc'] : ['archive', '--compact'];
        const home = tempDir('dig-gc-kill-');
        cpSync(pristine, home, { recursive: true });
        const before = archiveSize(home);
        // Stratified: run i is killed somewhere in the i-th slice of the measured duration.
        const at = Math.floor(((i + r(2).readUInt16LE(0) / 65536) / runs) * duration);
        const child = startCli(args, { cwd: s.project, home });
        const timer = setTimeout(() => child.kill('SIGKILL'), at);
        await child.done;
        clearTimeout(timer);
        const done = archiveSize(home) < before;
        if (done) rewritten++;
        await expectIntact({ ...s, home }, keep && done ? s.roots.length - 1 : 0);
        // The next gc finishes the job and removes any temporary file the killed one left.
        expect(run(['gc'], { cwd: s.project, home }).code).toBe(0);
        expect(readdirSync(home).filter((f) => f.includes('.compact-'))).toEqual([]);
      }
      console.log(`gc kills: ${runs - rewritten} left the old archive, ${rewritten} the compacted one`);
      expect(rewritten).toBeLessThan(runs);
    },
    roundsTimeout(scaled(2)),
  );
});

describe('readers during a rewrite', () => {
  it('a reader streaming a file while gc rewrites the archive still gets every byte right', async () => {
    const s = await storeWithGarbage(4);
    const store = Store.open(s.project, { home: s.home });
    const want = s.files[2].get('g2/f3.bin')!;
    const parts: Buffer[] = [];
    let gcCode: number | null | undefined;
    await store.getTo('g2/f3.bin', async (c) => {
      parts.push(Buffer.from(c));
      // After the first chunk, another process rewrites the archive under us and finishes.
      if (gcCode === undefined) gcCode = (await startCli(['gc'], { cwd: s.project, home: s.home }).done).code;
    });
    expect(gcCode).toBe(0);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).equals(want)).toBe(true);
    await expectIntact(s); // and the rewritten store is whole
  });
});
