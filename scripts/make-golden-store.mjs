#!/usr/bin/env node
// Writes a golden store into test/fixtures/golden/<name>/ (default: the current format versions, e.g.
// layer3-index3): a fixed tree committed over five generations (full + deltas, brotli compression, a
// deletion, and from layer format 3 an executable, a symbolic link and a non-UTF-8 name), the first generation pruned by gc --keep-history, one more delta after the gc (and from index format 3, 40 small
// commits more); then pins in
// manifest.json every root, every file's SHA-256 at every readable generation, the archive's own SHA-256,
// and one proof of each kind (file, byte range in JSON and binary form, layer).
// test/integration/golden-store.test.ts checks all of it. Run only on a deliberate format change (see
// docs/format.md, "Changing the format"): `npm run build && node scripts/make-golden-store.mjs`.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, encodeProof } from '../dist/index.js';
import { encodeProofBinary } from '../dist/core/codecs/proof-codec.js';
import { LAYER_VERSION } from '../dist/core/codecs/layer-codec.js';
import { osPath } from '../dist/core/path-bytes.js';
import { LAYER_INDEX_VERSION } from '../dist/core/codecs/layer-index-codec.js';
import { SUPERBLOCK_VERSION } from '../dist/core/codecs/superblock-codec.js';

const STORE_ID = 'a0'.repeat(32);
const name = process.argv[2] ?? `layer${LAYER_VERSION}-index${LAYER_INDEX_VERSION}`;
const out = fileURLToPath(new URL(`../test/fixtures/golden/${name}/`, import.meta.url));
if (existsSync(out)) throw new Error(`${out} exists: a fixture is never rewritten; pick a new name for a new format`);

const sha = (b) => createHash('sha256').update(b).digest('hex');
/** Deterministic bytes: text-like (compressible) or noise (not), from a counter-mode SHA-256 stream. */
function bytes(seed, n, text) {
  const parts = [];
  for (let i = 0, got = 0; got < n; i++) {
    const block = createHash('sha256').update(`${seed}:${i}`).digest();
    parts.push(text ? Buffer.from(`line ${i} of ${seed}: ${block.toString('hex').slice(0, 24)}\n`) : block);
    got += parts.at(-1).length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

const generations = [
  {
    'README.md': bytes('readme', 2_000, true),
    'empty.txt': Buffer.alloc(0),
    'src/main.c': bytes('main', 30_000, true),
    'data/noise.bin': bytes('noise', 48_000, false),
    'docs/naïve café.txt': bytes('cafe', 500, true),
    'deep/a/b/c/d.txt': Buffer.from('deep\n'),
  },
  { 'src/main.c': bytes('main-v2', 31_000, true), 'data/log.txt': bytes('log', 90_000, true) },
  { 'data/noise.bin': null, 'data/noise2.bin': bytes('noise2', 20_000, false) },
  { '日本語/ファイル.txt': Buffer.from('non-ASCII\n'), 'README.md': bytes('readme-v4', 2_500, true) },
  {
    'src/util.c': bytes('util', 8_000, true),
    // From layer format 3: an executable, a symbolic link and a name that is not UTF-8 (byte 0xE9).
    'bin/run.sh': { exec: Buffer.from('#!/bin/sh\necho golden\n') },
    'links/to-readme': { link: '../README.md' },
    'lat\udce9.txt': Buffer.from('latin-1 name\n'),
  },
];
const after = { 'CHANGELOG.md': bytes('changelog', 3_000, true) };

const work = mkdtempSync(join(tmpdir(), 'dig-golden-'));
const project = join(work, 'project');
const home = join(work, 'home');
mkdirSync(project);
const store = Store.init(project, { home, storeId: STORE_ID, name: 'golden' });
const tree = new Map();
const apply = async (changes) => {
  for (const [p, data] of Object.entries(changes)) {
    const abs = join(project, p);
    if (data === null) {
      rmSync(abs);
      tree.delete(p);
    } else {
      mkdirSync(join(abs, '..'), { recursive: true });
      if (data.link) symlinkSync(data.link, osPath(abs));
      else writeFileSync(osPath(abs), data.exec ?? data, { mode: data.exec ? 0o755 : 0o644 });
      tree.set(p, sha(data.link ? Buffer.from(data.link) : (data.exec ?? data)));
    }
  }
  await store.add(Object.keys(changes), { cwd: project });
};
const files = [];
for (const [i, changes] of generations.entries()) {
  await apply(changes);
  await store.commit(`generation ${i + 1}`, { author: 'golden <golden@example.org>' });
  files.push(Object.fromEntries([...tree].sort()));
}
await store.gc({ keepHistory: generations.length - 1 });
await apply(after);
await store.commit('after gc', { author: 'golden <golden@example.org>' });
files.push(Object.fromEntries([...tree].sort()));
// From layer index format 3 (a tree of records, fanout 16): enough small commits after the gc (which wrote the
// tree in one go) for the commits' own records to carry a level of pointers above their entries.
const more = LAYER_INDEX_VERSION >= 3 ? 40 : 0;
for (let i = 1; i <= more; i++) {
  await apply({ 'counter.txt': Buffer.from(`commit ${i}\n`) });
  await store.commit(`counter ${i}`, { author: 'golden <golden@example.org>' });
  files.push(Object.fromEntries([...tree].sort()));
}

const history = store.history();
const latest = history.at(-1).root;
const fileProof = store.prove('src/main.c');
const rangeProof = store.prove('data/log.txt', { range: '50000-60000' });
const layerProof = store.prove(undefined, { layer: 2 });
mkdirSync(join(out, 'home'), { recursive: true });
const archive = `${STORE_ID}.dig`;
cpSync(join(home, archive), join(out, 'home', archive));
writeFileSync(join(out, 'proof-file.json'), encodeProof(fileProof));
writeFileSync(join(out, 'proof-range.json'), encodeProof(rangeProof));
writeFileSync(join(out, 'proof-range.bin'), encodeProofBinary(rangeProof));
writeFileSync(join(out, 'proof-layer.json'), encodeProof(layerProof));
const manifest = {
  about:
    'written by scripts/make-golden-store.mjs; checked by test/integration/golden-store.test.ts; never edit by hand',
  versions: { superblock: SUPERBLOCK_VERSION, layer: LAYER_VERSION, layerIndex: LAYER_INDEX_VERSION },
  storeId: STORE_ID,
  archive: { file: `home/${archive}`, sha256: sha(readFileSync(join(home, archive))) },
  generations: history.map((g, i) => ({
    root: g.root,
    type: g.type,
    message: g.message,
    files: g.type === 'pruned' ? null : files[i],
  })),
  proofs: {
    file: { file: 'proof-file.json', path: 'src/main.c', root: latest },
    range: {
      file: 'proof-range.json',
      binary: 'proof-range.bin',
      path: 'data/log.txt',
      range: '50000-60000',
      root: latest,
    },
    layer: { file: 'proof-layer.json', layer: 2, root: latest },
  },
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
console.log(
  `golden store written to ${out} (${readdirSync(join(out, 'home')).length} file, ${history.length} generations)`,
);
