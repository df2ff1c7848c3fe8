// Delta and full layers give the same generations: a store writing deltas (full every 3) and one writing
// only full layers, fed the same changes (adds, edits, deletions), have the same root and the same files at
// every generation, and every proof made at a delta generation verifies.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, verifyProof } from '../../dist/index.js';
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
    expect(a.store.check({ deep: true }).ok).toBe(true);
    // Deltas are small: a delta layer's record holds only the changes.
    const layers = a.store.layers();
    expect(layers.filter((l) => l.type === 'delta').every((l) => l.entries < l.files)).toBe(true);
  });
});
