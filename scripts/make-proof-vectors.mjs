#!/usr/bin/env node
// Writes docs/conformance/proof-vectors.json: proofs with their data, the root a verifier trusts and the
// verdict any implementation of docs/proofs.md must reach. Valid proofs come from a small store made here
// (three generations: a multi-chunk file, an empty file, an executable, a symbolic link, a name that is not
// UTF-8); tampered ones change one thing each. Every verdict is checked with verifyProof before it is written,
// and test/integration/conformance.test.ts runs them all through `digstore verify` and the fetch client.
// Run on a deliberate change of the proof format: `npm run build && node scripts/make-proof-vectors.mjs`.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, dataRange, encodeProof, setConfig, verifyProof } from '../dist/index.js';
import { encodeProofBinary } from '../dist/core/codecs/proof-codec.js';
import { osPath } from '../dist/core/path-bytes.js';
import { mutations } from './proof-mutations.mjs';

const out = fileURLToPath(new URL('../docs/conformance/proof-vectors.json', import.meta.url));
const noise = (seed, n) => {
  const parts = [];
  for (let i = 0; parts.length * 32 < n; i++) parts.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(parts).subarray(0, n);
};
const generations = [
  {
    'README.md': Buffer.from('# vectors\n'),
    'empty.txt': Buffer.alloc(0),
    'data/noise.bin': noise('noise', 70_000),
    'lat\udce9.txt': Buffer.from('latin-1 name\n'),
  },
  { 'bin/run.sh': { exec: Buffer.from('#!/bin/sh\necho vectors\n') }, 'links/readme': { link: '../README.md' } },
  { 'README.md': Buffer.from('# vectors, again\n'), 'data/noise.bin': noise('noise-2', 66_000) },
];

const work = mkdtempSync(join(tmpdir(), 'dig-vectors-'));
const project = join(work, 'project');
mkdirSync(project);
const home = join(work, 'home');
Store.init(project, { home, storeId: 'b1'.repeat(32), compression: 'none' });
// Small chunks, so that a file of a few tens of KiB has several and range proofs have real chunk paths.
for (const [k, v] of Object.entries({ chunk_min: 2048, chunk_avg: 8192, chunk_max: 32768 }))
  setConfig(`medium_files.${k}`, String(v), { home, cwd: project });
const store = Store.open(project, { home });
for (const [i, changes] of generations.entries()) {
  for (const [p, d] of Object.entries(changes)) {
    mkdirSync(join(project, p, '..'), { recursive: true });
    if (d.link) symlinkSync(d.link, osPath(join(project, p)));
    else writeFileSync(osPath(join(project, p)), d.exec ?? d, { mode: d.exec ? 0o755 : 0o644 });
  }
  await store.add(Object.keys(changes), { cwd: project });
  await store.commit(`generation ${i + 1}`, { author: 'vectors <vectors@example.org>' });
}
const roots = store.history().map((g) => g.root);

const blobs = {};
const blob = (bytes) => {
  const key = createHash('sha256').update(bytes).digest('hex');
  blobs[key] = bytes.toString('base64');
  return key;
};
const cases = [];
function add(name, proof, { data, root, target, expect, form = 'json', tamper }) {
  const bytes = form === 'binary' ? encodeProofBinary(proof) : Buffer.from(encodeProof(proof));
  const verdict = verifyProof(proof, { root, target, data: data?.bytes });
  if ((verdict.valid ? 'valid' : 'invalid') !== expect)
    throw new Error(`${name}: expected ${expect}, got ${verdict.reason}`);
  cases.push({
    name,
    ...(tamper && { tamper }),
    form,
    proof: form === 'binary' ? bytes.toString('base64') : bytes.toString('utf8'),
    root: root ?? null,
    target: target ?? null,
    data: data
      ? {
          blob: data.key,
          start: data.start,
          end: data.end,
          ...(data.xorAt !== undefined && { xor_0x20_at: data.xorAt }),
        }
      : null,
    expect,
    ...(verdict.proven && { proven: verdict.proven }),
  });
}
const fileData = (path, root) => {
  const bytes = store.get(path, { root });
  return { key: blob(bytes), start: 0, end: bytes.length - 1, bytes };
};
const rangeData = (proof, path, root) => {
  const whole = fileData(path, root);
  const span = dataRange(proof);
  return { ...whole, start: span.start, end: span.end, bytes: whole.bytes.subarray(span.start, span.end + 1) };
};
/** The same data with one byte changed: the vector says where (`xor_0x20_at`, relative to `start`). */
const forge = (data) => {
  const bytes = Buffer.from(data.bytes);
  const xorAt = bytes.length >> 1;
  bytes[xorAt] ^= 0x20;
  return { ...data, bytes, xorAt };
};

const valid = [];
for (const [g, root] of roots.entries()) {
  const paths = store.find('**', { root }).map((f) => f.path);
  for (const path of paths) valid.push({ name: `file ${JSON.stringify(path)} at generation ${g + 1}`, path, root });
  valid.push({ name: `layer ${g + 1} of generation ${roots.length}`, layer: g + 1, root: roots.at(-1) });
}
for (const range of ['0-0', '40000-40100', '1000-30000', '-10', '65990-']) {
  valid.push({ name: `bytes ${range} of data/noise.bin`, path: 'data/noise.bin', root: roots.at(-1), range });
}
// Every tampering is applied to one proof of each kind; the rest are the valid proofs in both forms.
const tampered = new Set([
  'file "data/noise.bin" at generation 3',
  'file "empty.txt" at generation 1',
  'file "links/readme" at generation 2',
  'layer 2 of generation 3',
  'bytes 40000-40100 of data/noise.bin',
  'bytes 1000-30000 of data/noise.bin',
]);
for (const v of valid) {
  const proof = v.layer ? store.prove(undefined, { layer: v.layer, root: v.root }) : store.prove(v.path, v);
  const data = v.layer ? undefined : v.range ? rangeData(proof, v.path, v.root) : fileData(v.path, v.root);
  add(v.name, proof, { data, root: v.root, expect: 'valid' });
  add(`${v.name}, binary form`, proof, { data, root: v.root, expect: 'valid', form: 'binary' });
  if (!tampered.has(v.name)) continue;
  add(`${v.name}, without data or root`, proof, { expect: 'valid' });
  for (const m of mutations(proof)) {
    const q = structuredClone(proof);
    m.apply(q);
    add(`${v.name}: ${m.site}`, q, {
      data: m.keepData === false ? undefined : data,
      root: v.root,
      expect: m.expect ?? 'invalid',
      tamper: m.site,
    });
  }
  if (data && data.bytes.length > 0) {
    add(`${v.name}: one data byte changed`, proof, {
      data: forge(data),
      root: v.root,
      expect: 'invalid',
      tamper: 'data',
    });
    const short = { ...data, start: data.start + 1, bytes: data.bytes.subarray(1) };
    add(`${v.name}: data one byte short`, proof, {
      data: short,
      root: v.root,
      expect: 'invalid',
      tamper: 'data length',
    });
  }
  const other = roots.find((r) => r !== v.root);
  add(`${v.name}: checked against another generation's root`, proof, {
    root: other,
    expect: 'invalid',
    tamper: 'trusted root',
  });
  add(`${v.name}: another target expected`, proof, {
    root: v.root,
    target: other,
    expect: 'invalid',
    tamper: 'expected target',
  });
}

mkdirSync(join(out, '..'), { recursive: true });
const doc = {
  about:
    'digstore proof conformance vectors (docs/proofs.md, "Conformance vectors"); written by scripts/make-proof-vectors.mjs',
  store_id: 'b1'.repeat(32),
  roots,
  cases,
  blobs,
};
writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
rmSync(work, { recursive: true, force: true });
const count = (e) => cases.filter((c) => c.expect === e).length;
console.log(`${cases.length} cases (${count('valid')} valid, ${count('invalid')} invalid) → ${out}`);
