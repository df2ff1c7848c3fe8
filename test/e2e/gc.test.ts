// gc / archive --compact: data no generation names is dropped, every generation and root stays; a dry run
// changes nothing; staged changes are never dropped; SIGKILL at any moment of a gc leaves a valid store
// with the same roots and files.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanupTempDirs, prng, run, snapshot, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(51);
const archiveSize = (home: string) => readdirSync(home).filter((f) => f.endsWith('.dig')).reduce((a, f) => a + statSync(join(home, f)).size, 0);

/** A store whose layers hold replaced-before-commit data: each file is staged twice with different content. */
function storeWithGarbage(mb: number): { project: string; home: string; roots: string[]; files: Array<Map<string, Buffer>> } {
  const project = tempDir('dig-gc-');
  const home = tempDir('dig-gc-home-');
  run(['init'], { cwd: project, home });
  const roots: string[] = [];
  const files: Array<Map<string, Buffer>> = [];
  const current = new Map<string, Buffer>();
  for (let g = 0; g < 3; g++) {
    mkdirSync(join(project, `g${g}`), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const p = `g${g}/f${i}.bin`;
      writeFileSync(join(project, p), rand((mb * 1_000_000) / 12));
      run(['add', p], { cwd: project, home }); // staged, then replaced: its chunks become garbage
      const data = rand((mb * 1_000_000) / 12);
      writeFileSync(join(project, p), data);
      current.set(p, data);
    }
    run(['add', '-A'], { cwd: project, home });
    roots.push(run(['commit', '-m', `g${g}`], { cwd: project, home }).stdout.trim());
    files.push(new Map(current));
  }
  return { project, home, roots, files };
}

/** Every root still in the history; the generations from `from` on readable and byte-identical. */
function expectIntact(s: ReturnType<typeof storeWithGarbage>, from = 0): void {
  const h = JSON.parse(run(['history', '--json'], { cwd: s.project, home: s.home }).stdout);
  expect(h.map((g: { root: string }) => g.root)).toEqual(s.roots);
  s.roots.forEach((root, i) => {
    if (i < from) return;
    const out = tempDir('dig-gc-out-');
    expect(run(['extract', '.', out, '--at', root], { cwd: s.project, home: s.home }).code).toBe(0);
    for (const [p, data] of s.files[i]) expect(snapshot(out)[p]).toBe(createHash('sha256').update(data).digest('hex'));
  });
  expect(run(['check', '--deep'], { cwd: s.project, home: s.home }).code).toBe(0);
}

describe('gc', () => {
  it('reclaims replaced data, keeps every generation; dry run and staged changes change nothing', () => {
    const s = storeWithGarbage(6);
    const before = archiveSize(s.home);
    const dry = JSON.parse(run(['gc', '--dry-run', '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(dry.unreferencedChunks).toBeGreaterThan(0);
    expect(dry.rewritten).toBe(false);
    expect(archiveSize(s.home)).toBe(before);
    // Staged changes would be lost by a rewrite: refused.
    writeFileSync(join(s.project, 'staged.txt'), 'x');
    run(['add', 'staged.txt'], { cwd: s.project, home: s.home });
    const snap = snapshot(s.home);
    expect(run(['gc'], { cwd: s.project, home: s.home }).code).toBe(2);
    expect(snapshot(s.home)).toEqual(snap);
    s.roots.push(run(['commit', '-m', 'staged'], { cwd: s.project, home: s.home }).stdout.trim());
    s.files.push(new Map([...s.files[2], ['staged.txt', Buffer.from('x')]]));

    const r = JSON.parse(run(['gc', '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(r.rewritten).toBe(true);
    expect(archiveSize(s.home)).toBe(r.compactedBytes);
    expect(archiveSize(s.home)).toBeLessThan(before * 0.6);
    expectIntact(s);
    expect(JSON.parse(run(['gc', '--json'], { cwd: s.project, home: s.home }).stdout).rewritten).toBe(false);
    expect(run(['archive', '--stats'], { cwd: s.project, home: s.home }).stdout).toMatch(/reclaimable +0 B/);
    expect(run(['archive', '--verify'], { cwd: s.project, home: s.home }).code).toBe(0);
    expect(run(['archive'], { cwd: s.project, home: s.home }).code).toBe(2);
    // The store keeps working after a rewrite: dedup against moved chunks, new commits.
    writeFileSync(join(s.project, 'copy.bin'), s.files[0].get('g0/f1.bin')!);
    run(['add', 'copy.bin'], { cwd: s.project, home: s.home });
    const c = JSON.parse(run(['commit', '-m', 'copy', '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(c.newChunks).toBe(0);
    expect(run(['check', '--deep'], { cwd: s.project, home: s.home }).code).toBe(0);
  });

  it('--keep-history N prunes older generations: their roots stay (proofs of them still verify), their data goes', () => {
    const s = storeWithGarbage(3);
    for (let g = 3; g < 6; g++) {
      writeFileSync(join(s.project, `late${g}.txt`), `late ${g}`);
      run(['add', '-A'], { cwd: s.project, home: s.home });
      s.roots.push(run(['commit', '-m', `late${g}`], { cwd: s.project, home: s.home }).stdout.trim());
      s.files.push(new Map([...s.files.at(-1)!, [`late${g}.txt`, Buffer.from(`late ${g}`)]]));
    }
    const before = archiveSize(s.home);
    const r = JSON.parse(run(['gc', '--keep-history', '2', '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(r).toMatchObject({ layers: 6, pruned: 4, rewritten: true });
    expect(archiveSize(s.home)).toBeLessThan(before);
    expectIntact(s, 4);
    const h = JSON.parse(run(['history', '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(h.map((g: { type: string }) => g.type)).toEqual(['pruned', 'pruned', 'pruned', 'pruned', 'full', 'delta']);
    const old = run(['cat', 'g0/f0.bin', '--at', s.roots[0]], { cwd: s.project, home: s.home });
    expect(old.code).toBe(4);
    expect(old.stderr).toMatch(/removed by gc --keep-history/);
    // A pruned layer's root is still part of every later root: its layer proof still verifies.
    const proof = run(['prove', '--layer', '1', '-o', 'pl.json'], { cwd: s.project, home: s.home });
    expect(proof.code).toBe(0);
    expect(run(['verify', 'pl.json', '--root', s.roots[5]], { cwd: s.project, home: s.home }).code).toBe(0);
    // Life goes on: commits, a full export and import elsewhere.
    writeFileSync(join(s.project, 'after.txt'), 'after');
    run(['add', 'after.txt'], { cwd: s.project, home: s.home });
    expect(run(['commit', '-m', 'after'], { cwd: s.project, home: s.home }).code).toBe(0);
    expect(run(['export', join(s.project, '..', 'pruned.dig')], { cwd: s.project, home: s.home }).code).toBe(0);
    const other = tempDir('dig-gc-imp-');
    expect(run(['import', join(s.project, '..', 'pruned.dig')], { cwd: s.project, home: other }).code).toBe(0);
    expect(run(['cat', 'after.txt'], { cwd: s.project, home: other }).stdout).toBe('after');
    expect(run(['check', '--deep'], { cwd: s.project, home: s.home }).code).toBe(0);
    expect(run(['gc', '--keep-history', '0'], { cwd: s.project, home: s.home }).code).toBe(2);
  });

  it('SIGKILL at random moments of gc / gc --keep-history / archive --compact: always a valid store with the same roots and files', async () => {
    const s = storeWithGarbage(24);
    const pristine = tempDir('dig-gc-pristine-');
    cpSync(s.home, pristine, { recursive: true });
    const t = performance.now();
    run(['gc'], { cwd: s.project, home: s.home });
    const duration = performance.now() - t;
    const r = prng(7);
    let rewritten = 0;
    for (let i = 0; i < 12; i++) {
      const keep = i % 2 === 1; // every other run prunes too: gc --keep-history 1
      const args = keep ? ['gc', '--keep-history', '1'] : i % 4 === 0 ? ['archive', '--compact'] : ['gc'];
      const home = tempDir('dig-gc-kill-');
      cpSync(pristine, home, { recursive: true });
      const before = archiveSize(home);
      await new Promise<void>((resolve) => {
        const p = spawn(process.execPath, [CLI, ...args], { cwd: s.project, env: { ...process.env, DIGSTORE_HOME: home }, stdio: 'ignore' });
        const timer = setTimeout(() => p.kill('SIGKILL'), Math.floor((r(2).readUInt16LE(0) / 65535) * duration));
        p.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const done = archiveSize(home) < before;
      if (done) rewritten++;
      expectIntact({ ...s, home }, keep && done ? s.roots.length - 1 : 0);
      // The next gc finishes the job and removes any temporary file the killed one left.
      expect(run(['gc'], { cwd: s.project, home }).code).toBe(0);
      expect(readdirSync(home).filter((f) => f.includes('.compact-'))).toEqual([]);
    }
    console.log(`gc kills: ${12 - rewritten} left the old archive, ${rewritten} the compacted one`);
    expect(rewritten).toBeLessThan(12);
  }, 240_000);
});

describe('readers during a rewrite', () => {
  it('a reader streaming a file while gc rewrites the archive still gets every byte right', async () => {
    const s = storeWithGarbage(12);
    const { Store } = await import('../../dist/index.js');
    const store = Store.open(s.project, { home: s.home });
    const want = s.files[2].get('g2/f3.bin')!;
    const parts: Buffer[] = [];
    let gcStarted = false;
    let gcCode: number | null = null;
    await store.getTo('g2/f3.bin', async (c) => {
      parts.push(Buffer.from(c));
      if (!gcStarted) {
        // After the first chunk, another process rewrites the archive under us and finishes.
        gcStarted = true;
        gcCode = await new Promise<number | null>((resolve) => {
          spawn(process.execPath, [CLI, 'gc'], { cwd: s.project, env: { ...process.env, DIGSTORE_HOME: s.home }, stdio: 'ignore' })
            .on('exit', (code) => resolve(code));
        });
      }
    });
    expect(gcCode).toBe(0);
    expect(Buffer.concat(parts).equals(want)).toBe(true);
    expectIntact(s); // and the rewritten store is whole
  }, 60_000);
});
