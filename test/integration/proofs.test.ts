// Proofs against real stores (the built library): for random trees, histories and ranges every proof
// verifies, with and without its data; flipping any single bit of any hash, size or offset in it, swapping
// any position, or flipping any bit of the data makes verification fail.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, dataRange, decodeProof, encodeProof, verifyProof, type Proof } from '../../dist/index.js';
import { decodeProofBinary, encodeProofBinary } from '../../dist/core/codecs/proof-codec.js';
import { cleanupTempDirs, prng, roundsTimeout, scaled, tempDir } from '../helpers.js';

const RUNS = scaled(10);

afterAll(cleanupTempDirs);

type Mutation = { site: string; apply: (p: Proof) => void };

function flipHex(h: string, bit: number): string {
  const i = (bit >> 2) % h.length;
  const v = parseInt(h[i], 16) ^ (1 << (bit & 3));
  return h.slice(0, i) + v.toString(16) + h.slice(i + 1);
}
const flipNum = (v: number, bit: number) => (Math.floor(v / 2 ** bit) % 2 === 1 ? v - 2 ** bit : v + 2 ** bit);

/** Every hash, size, offset and position of a proof, each as a one-bit (or one-swap) mutation. */
function mutations(p: Proof, bit: (n: number) => number): Mutation[] {
  const out: Mutation[] = [];
  const hex = (site: string, get: (q: Proof) => { o: Record<string, string>; k: string }) =>
    out.push({
      site,
      apply: (q) => {
        const { o, k } = get(q);
        o[k] = flipHex(o[k], bit(256));
      },
    });
  const num = (site: string, get: (q: Proof) => { o: Record<string, number>; k: string }) =>
    out.push({
      site,
      apply: (q) => {
        const { o, k } = get(q);
        o[k] = flipNum(o[k], bit(40));
      },
    });
  const steps = (name: string, get: (q: Proof) => Proof['proof_path']) => {
    get(p).forEach((_, i) => {
      hex(`${name}[${i}].hash`, (q) => ({ o: get(q)[i], k: 'hash' }));
      out.push({
        site: `${name}[${i}].position`,
        apply: (q) => {
          const s = get(q)[i];
          s.position = s.position === 'left' ? 'right' : 'left';
        },
      });
    });
  };
  hex('target.hash', (q) => ({ o: q.target, k: 'hash' }));
  hex('root.hash', (q) => ({ o: q.root, k: 'hash' }));
  hex('metadata.layer_root', (q) => ({ o: q.metadata, k: 'layer_root' }));
  steps('proof_path', (q) => q.proof_path);
  // The layer a proof names is bound by its path's shape: one more or one less is refused.
  for (const d of [1, -1]) {
    out.push({
      site: `layer number ${d > 0 ? '+' : '-'}1`,
      apply: (q) => {
        if (q.proof_type === 'layer') q.target.layer! += d;
        else q.metadata.layer_number += d;
      },
    });
  }
  if (p.proof_type !== 'layer') {
    hex('target.chunk_root', (q) => ({ o: q.target, k: 'chunk_root' }));
    num('target.size', (q) => ({ o: q.target, k: 'size' }));
    steps('layer_path', (q) => q.layer_path!);
  }
  p.chunks?.forEach((_, i) => {
    hex(`chunks[${i}].hash`, (q) => ({ o: q.chunks![i], k: 'hash' }));
    num(`chunks[${i}].offset`, (q) => ({ o: q.chunks![i], k: 'offset' }));
    num(`chunks[${i}].size`, (q) => ({ o: q.chunks![i], k: 'size' }));
    steps(`chunks[${i}].proof_path`, (q) => q.chunks![i].proof_path);
  });
  return out;
}

const treeArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  sizes: fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 5000, max: 400_000 })), {
    minLength: 1,
    maxLength: 24,
  }),
  commits: fc.integer({ min: 1, max: 4 }),
});

describe('proofs: property tests on real stores', () => {
  it(
    'every proof verifies; any flipped bit in a hash/size/offset, any swapped position, any flipped data bit fails',
    async () => {
      let proofs = 0;
      let mutated = 0;
      await fc.assert(
        fc.asyncProperty(treeArb, fc.infiniteStream(fc.nat()), async ({ seed, sizes, commits }, nats) => {
          const it = nats[Symbol.iterator]();
          const nat = (n: number) => it.next().value % n;
          const rand = prng(seed);
          const project = tempDir('dig-prf-');
          const store = Store.init(project, { home: tempDir('dig-prf-home-') });
          const content = new Map<string, Buffer>();
          const roots: Array<{ root: string; files: Map<string, Buffer> }> = [];
          for (let c = 0; c < commits; c++) {
            sizes.forEach((size, i) => {
              if (c > 0 && nat(3) !== 0) return; // later commits change about a third of the files
              const path = `d${i % 3}/f ${i}.bin`;
              mkdirSync(dirname(join(project, path)), { recursive: true });
              const data = rand(c === 0 ? size : nat(size + 1));
              writeFileSync(join(project, path), data);
              content.set(path, data);
            });
            if (c > 0) {
              mkdirSync(join(project, 'extra'), { recursive: true });
              const data = rand(1 + nat(20_000));
              writeFileSync(join(project, 'extra', `c${c}.txt`), data); // every commit changes something
              content.set(`extra/c${c}.txt`, data);
            }
            await store.addDirectory('.', { workers: 0 });
            roots.push({ root: (await store.commit(`c${c}`)).root, files: new Map(content) });
          }
          for (let k = 0; k < 6; k++) {
            const gen = roots[nat(roots.length)];
            const paths = [...gen.files.keys()];
            const path = paths[nat(paths.length)];
            const data = gen.files.get(path)!;
            let proof: Proof;
            let bytes: Buffer;
            if (k === 5) {
              proof = store.prove(undefined, { layer: 1 + nat(roots.indexOf(gen) + 1), root: gen.root });
              bytes = Buffer.alloc(0);
            } else if (data.length > 0 && k % 2 === 1) {
              const a = nat(data.length);
              const b = a + nat(data.length - a);
              proof = store.prove(path, { root: gen.root, range: `${a}-${b}` });
              const span = dataRange(proof)!;
              expect(span.start).toBeLessThanOrEqual(a);
              expect(span.end).toBeGreaterThanOrEqual(b);
              bytes = data.subarray(span.start, span.end + 1);
            } else {
              proof = store.prove(path, { root: gen.root });
              bytes = data;
            }
            proof = decodeProof(encodeProof(proof)); // what a third party gets: the canonical text
            expect(decodeProofBinary(encodeProofBinary(proof))).toEqual(proof); // or the binary form, same content
            const withData = proof.proof_type === 'layer' ? {} : { data: bytes };
            const ok = verifyProof(proof, { root: gen.root, ...withData });
            expect(ok.reason).toBeUndefined();
            expect(ok.valid).toBe(true);
            proofs++;
            for (const m of mutations(proof, nat)) {
              const q = structuredClone(proof);
              m.apply(q);
              const r = verifyProof(q, withData);
              expect(r.valid, `${m.site} mutated, still valid`).toBe(false);
              mutated++;
            }
            if (bytes.length > 0) {
              const d = Buffer.from(bytes);
              d[nat(d.length)] ^= 1 << nat(8);
              expect(verifyProof(proof, { root: gen.root, data: d }).valid).toBe(false);
            }
            // A root other than the proof's own is refused, however valid the proof.
            const other = roots.find((r) => r.root !== gen.root);
            if (other) expect(verifyProof(proof, { root: other.root }).valid).toBe(false);
          }
        }),
        { numRuns: RUNS, seed: 20261126 },
      );
      expect(proofs).toBe(6 * RUNS); // six proofs per tree: files, byte ranges and a layer, at random roots
      expect(mutated).toBeGreaterThan(75 * RUNS);
    },
    roundsTimeout(RUNS, 5000),
  );
});
