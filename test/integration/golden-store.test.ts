// Golden stores: archives written by earlier builds (test/fixtures/golden/<format>/, made by
// scripts/make-golden-store.mjs) must keep reading exactly as they did. Every byte of the archive, every root,
// every file at every readable generation and one proof of each kind are pinned in manifest.json, so a change
// of the on-disk format, of the file-leaf or chunk-leaf hashing or of the proof codecs fails here.
// A deliberate format change adds a new fixture beside the old ones (docs/format.md, "Changing the format").
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store, decodeProof, verifyProof } from '../../dist/index.js';
import { decodeProofBinary } from '../../dist/core/codecs/proof-codec.js';
import { cleanupTempDirs, tempDir } from '../helpers.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const fixtures = join(__dirname, '..', 'fixtures', 'golden');

interface Manifest {
  storeId: string;
  archive: { file: string; sha256: string };
  generations: Array<{ root: string; type: string; message: string; files: Record<string, string> | null }>;
  proofs: {
    file: { file: string; path: string; root: string };
    range: { file: string; binary: string; path: string; range: string; root: string };
    layer: { file: string; layer: number; root: string };
  };
}

for (const name of readdirSync(fixtures)) {
  describe(`golden store ${name}`, () => {
    const dir = join(fixtures, name);
    const m: Manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

    it('the fixture is byte-for-byte the one that was pinned', () => {
      expect(sha(readFileSync(join(dir, m.archive.file)))).toBe(m.archive.sha256);
    });

    it('every root, every generation type, every file at every readable generation; check --deep recomputes them all', async () => {
      // A copy: opening a store may write sidecar caches next to it, and the fixture must never change.
      const home = tempDir('dig-golden-home-');
      cpSync(join(dir, 'home'), home, { recursive: true });
      const project = tempDir('dig-golden-');
      const store = Store.init(project, { home, storeId: m.storeId });
      expect(store.history().map((g) => [g.root, g.type])).toEqual(m.generations.map((g) => [g.root, g.type]));
      for (const g of m.generations) {
        if (g.files === null) {
          expect(() => store.get('README.md', { root: g.root })).toThrow(/removed by gc --keep-history/);
          continue;
        }
        expect(store.countFilesInCommit(g.root), g.root).toBe(Object.keys(g.files).length);
        for (const [path, hash] of Object.entries(g.files))
          expect(sha(store.get(path, { root: g.root })), `${path} at ${g.root}`).toBe(hash);
      }
      expect((await store.check({ deep: true })).problems).toEqual([]);
      // Proofs made now from the old archive are the very proofs pinned then.
      const { file, range, layer } = m.proofs;
      const fileProof = decodeProof(readFileSync(join(dir, file.file), 'utf8'));
      expect(store.prove(file.path, { root: file.root })).toEqual(fileProof);
      expect(verifyProof(fileProof, { root: file.root, data: store.get(file.path, { root: file.root }) }).valid).toBe(
        true,
      );
      expect(store.prove(range.path, { root: range.root, range: range.range })).toEqual(
        decodeProof(readFileSync(join(dir, range.file), 'utf8')),
      );
      expect(store.prove(undefined, { root: layer.root, layer: layer.layer })).toEqual(
        decodeProof(readFileSync(join(dir, layer.file), 'utf8')),
      );
      cleanupTempDirs();
    });

    it('takes new commits (in the current layer format) on top, and old and new generations still prove and check', async () => {
      const home = tempDir('dig-golden-grow-home-');
      cpSync(join(dir, 'home'), home, { recursive: true });
      const project = tempDir('dig-golden-grow-');
      const store = Store.init(project, { home, storeId: m.storeId });
      writeFileSync(join(project, 'new.txt'), 'added by this build\n');
      symlinkSync('new.txt', join(project, 'link'));
      await store.add(['new.txt', 'link']);
      const { root } = await store.commit('on top of an old format');
      expect((await store.check({ deep: true })).problems).toEqual([]);
      const old = m.proofs.file;
      for (const [path, at] of [
        [old.path, old.root],
        [old.path, root],
        ['link', root],
      ]) {
        const p = store.prove(path, { root: at });
        expect(verifyProof(p, { root: at, data: store.get(path, { root: at }) }), `${path} at ${at}`).toMatchObject({
          valid: true,
        });
      }
      expect(store.prove('link', { root }).target.mode).toBe('120000');
      cleanupTempDirs();
    });

    it('the pinned proofs verify offline against their roots (JSON and binary forms), and not against another root', () => {
      const { file, range, layer } = m.proofs;
      const latest = m.generations.at(-1)!;
      const fileProof = decodeProof(readFileSync(join(dir, file.file), 'utf8'));
      expect(verifyProof(fileProof, { root: file.root, data: Buffer.from('') }).valid).toBe(false);
      expect(verifyProof(fileProof, { root: file.root }).valid).toBe(true);
      const other = m.generations.find((g) => g.root !== file.root)!.root;
      expect(verifyProof(fileProof, { root: other }).valid).toBe(false);
      expect(latest.files![file.path]).toBe(fileProof.target.hash);
      for (const p of [
        decodeProof(readFileSync(join(dir, range.file), 'utf8')),
        decodeProofBinary(readFileSync(join(dir, range.binary))),
      ]) {
        expect(p.proof_type).toBe('byte_range');
        expect(verifyProof(p, { root: range.root }).valid).toBe(true);
      }
      const layerProof = decodeProof(readFileSync(join(dir, layer.file), 'utf8'));
      expect(layerProof.proof_type).toBe('layer');
      expect(verifyProof(layerProof, { root: layer.root }).valid).toBe(true);
    });
  });
}
