// Scenario h: proofs and reads on big stores. In-process times (the library, store already on disk) show
// the work itself; one CLI call each shows what a user waits for, Node's start-up (~0.1 s) included.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Store, verifyProof, encodeProof } from '../../dist/index.js';
import { CLI } from './tools.mjs';
import { measure, median } from './measure.mjs';

function timeIt(fn, runs) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn(i);
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), out };
}

/** A file proof in the layer of `tinyDir` (100k files) and a 1 MiB range proof and read in `bigDir` (1 GiB). */
export function proofScenario(tinyDir, tinyHome, bigDir, bigHome) {
  const results = [];
  const tiny = Store.open(tinyDir, { home: tinyHome });
  const dirs = readdirSync(tinyDir).filter((d) => d.startsWith('d'));
  const paths = dirs.slice(0, 21).map((d) => `${d}/${readdirSync(join(tinyDir, d))[0]}`);
  // Each run opens the store afresh, as a CLI call would: archive open, layer record read and checked included.
  const prove = timeIt((i) => Store.open(tinyDir, { home: tinyHome }).prove(paths[i]), paths.length);
  const proof = prove.out;
  const verify = timeIt(() => verifyProof(proof, { root: proof.root.hash }), 21);
  if (!verify.out.valid) throw new Error(`bench proof does not verify: ${verify.out.reason}`);
  results.push({
    label: `prove a file in a layer of ${tiny.countFilesInCommit()} files (library, median)`,
    ms: prove.ms,
    note: `${encodeProof(proof).length} B proof`,
  });
  results.push({ label: 'verify that proof (library, median)', ms: verify.ms });
  const cli = measure(process.execPath, [CLI, 'prove', paths[0]], { cwd: tinyDir, env: { DIGSTORE_HOME: tinyHome } });
  results.push({ label: 'digstore prove (one CLI call)', ms: cli.seconds * 1000, rssMB: cli.rssMB });

  const big = Store.open(bigDir, { home: bigHome });
  const size = big.stat('big.bin').size;
  const mid = Math.floor(size / 2);
  const range = `${mid}-${mid + 2 ** 20 - 1}`;
  const rp = big.prove('big.bin', { range });
  results.push({
    label: 'proof of a 1 MiB range of a 1 GiB file',
    ms: null,
    note: `${encodeProof(rp).length} B JSON, ${rp.chunks.length} chunks`,
  });
  const read = timeIt(() => Store.open(bigDir, { home: bigHome }).get('big.bin', { range }), 9);
  if (read.out.length !== 2 ** 20) throw new Error('range read returned the wrong length');
  results.push({ label: 'read 1 MiB from the middle of a 1 GiB file (library, median)', ms: read.ms });
  const cat = measure(process.execPath, [CLI, 'cat', 'big.bin', '--bytes', range], {
    cwd: bigDir,
    env: { DIGSTORE_HOME: bigHome },
  });
  results.push({ label: 'digstore cat --bytes (1 MiB, one CLI call)', ms: cat.seconds * 1000, rssMB: cat.rssMB });
  const boot = measure(process.execPath, [CLI, '--version'], { cwd: bigDir });
  results.push({
    label: 'digstore --version (Node start-up, for reference)',
    ms: boot.seconds * 1000,
    rssMB: boot.rssMB,
  });
  return results;
}
