// Delta and full layers give the same generations: a store writing deltas (full every 3) and one writing
// only full layers, fed the same changes (adds, edits, deletions), have the same root and the same files at
// every generation, and every proof made at a delta generation verifies.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, verifyProof } from '../../dist/index.js';
import { Archive } from '../../dist/store/archive.js';
import { generationFiles } from '../../dist/store/generations.js';
import { completeSetView } from '../../dist/store/delta-window.js';
import { HeadFiles } from '../../dist/store/head-files.js';
import { cleanupTempDirs, prng, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

function storeWithLimit(limit: number): { store: Store; project: string } {
  const home = tempDir('dig-delta-home-');
  writeFileSync(join(home, 'config.toml'), `[core]\ndelta_chain_limit = ${limit}\n`);
  const project = tempDir('dig-delta-');
  return { store: Store.init(project, { home }), project };
}

describe('delta layers', () => {
  it('same roots and files at every generation as full layers; proofs at delta generations verify', async () => {
    const a = storeWithLimit(3);
    const b = storeWithLimit(1);
    const rand = prng(21);
    const types: string[] = [];
    for (let gen = 0; gen < 10; gen++) {
      const change = rand(8);
      for (const { project } of [a, b]) mkdirSync(join(project, 'd'), { recursive: true });
      const edits: Array<[string, Buffer | null]> = [];
      for (let k = 0; k < 4; k++) {
        const name = `d/f${change[k] % 12}.bin`;
        edits.push([name, gen > 1 && change[k + 4] % 3 === 0 ? null : rand(200 + change[k + 4] * 40)]);
      }
      for (const { store, project } of [a, b]) {
        for (const [name, data] of edits) {
          if (data) writeFileSync(join(project, name), data);
          else rmSync(join(project, name), { force: true });
        }
        writeFileSync(join(project, `gen${gen}.txt`), String(gen)); // every generation changes something
        await store.addDirectory('.', { workers: 0 });
      }
      const ra = await a.store.commit(`g${gen}`);
      const rb = await b.store.commit(`g${gen}`);
      expect(ra.root).toBe(rb.root);
      expect(rb.type).toBe('full');
      types.push(ra.type);
      const files = (s: Store) => s.find('*').map((f) => `${f.path}:${Buffer.from(f.hash).toString('hex')}`);
      expect(files(a.store)).toEqual(files(b.store));
    }
    expect(types.join(',')).toBe('full,delta,delta,full,delta,delta,full,delta,delta,full');
    for (const h of a.store.history()) {
      expect(h.files).toBe(b.store.history()[h.generation - 1].files);
      for (const f of a.store.find('*', { root: h.root }).slice(0, 5)) {
        const p = a.store.prove(f.path, { root: h.root });
        expect(verifyProof(p, { root: h.root, data: a.store.get(f.path, { root: h.root }) }).valid).toBe(true);
      }
    }
    expect((await a.store.check({ deep: true })).ok).toBe(true);
    // The windowed view of a delta generation (used by proofs) agrees with the assembled file set everywhere.
    const archive = Archive.open(a.store.paths.archive);
    try {
      for (let g = 1; g <= archive.seq; g++) {
        const files = generationFiles(archive, g);
        const view = completeSetView(archive, g);
        expect(view.count).toBe(files.length);
        for (const [i, f] of files.entries()) expect(view.rankOf(f.path)).toBe(i);
        expect(view.rankOf('no/such/file')).toBe(-1);
        // The rows status and add compare against (head-files.ts) hold the same files, deltas applied.
        const head = new HeadFiles(archive, g);
        expect([...head.keys()].sort()).toEqual(files.map((f) => f.path).sort());
        const fields = (f: { mode: number; size: number; hash: Uint8Array; chunkRoot: Uint8Array }) =>
          `${f.mode}:${f.size}:${Buffer.from(f.hash).toString('hex')}:${Buffer.from(f.chunkRoot).toString('hex')}`;
        for (const f of files) expect(fields(head.get(f.path)!)).toBe(fields(f));
        expect(head.get('no/such/file')).toBeUndefined();
        for (const [s0, e0] of [
          [0, 3],
          [1, 5],
          [files.length - 2, files.length],
          [0, files.length],
        ]) {
          const [s1, e1] = [Math.max(0, s0), Math.min(files.length, e0)];
          expect(view.window(s1, e1).map((f) => f.path)).toEqual(files.slice(s1, e1).map((f) => f.path));
        }
      }
    } finally {
      archive.close();
    }
    // Deltas are small: a delta layer's record holds only the changes.
    const layers = a.store.layers();
    expect(layers.filter((l) => l.type === 'delta').every((l) => l.entries < l.files)).toBe(true);
  });
});
