// The published conformance vectors (docs/conformance/proof-vectors.json): every case reaches its verdict
// through what `digstore verify` runs (readProof + verifyProofFile on files), and a sample of them through the
// spawned CLI itself — valid proofs in both forms, each kind of tampering and the moved byte range.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProof, verifyProofFile } from '../../dist/index.js';
import { cleanupTempDirs, startCli, tempDir } from '../helpers.js';
import { loadVectors, type VectorCase } from '../support/vectors.js';

afterAll(cleanupTempDirs);

const { cases, proofBytes, dataBytes } = loadVectors();
const dir = tempDir('dig-vectors-');

/** The case's proof and data as the files a user would hand to `digstore verify`. */
function files(c: VectorCase, i: number): { proof: string; data?: string } {
  const proof = join(dir, `proof-${i}.${c.form === 'binary' ? 'bin' : 'json'}`);
  writeFileSync(proof, proofBytes(c));
  const bytes = dataBytes(c);
  if (bytes === undefined) return { proof };
  const data = join(dir, `data-${i}`);
  writeFileSync(data, bytes);
  return { proof, data };
}

function libraryVerdict(c: VectorCase, i: number): 'valid' | 'invalid' {
  const f = files(c, i);
  try {
    const r = verifyProofFile(readProof(f.proof), {
      root: c.root ?? undefined,
      target: c.target ?? undefined,
      dataFile: f.data,
    });
    return r.valid ? 'valid' : 'invalid';
  } catch {
    return 'invalid'; // a proof that does not even decode
  }
}

describe('conformance vectors', () => {
  it('there are valid and tampered cases of every kind', () => {
    expect(cases.filter((c) => c.expect === 'valid').length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.expect === 'invalid').length).toBeGreaterThanOrEqual(140);
    for (const kind of ['file', 'byte_range', 'layer'])
      expect(
        cases.some((c) => c.expect === 'invalid' && c.kind === kind),
        kind,
      ).toBe(true);
  });

  it('every case gets its verdict from the verifier `digstore verify` uses', () => {
    const wrong = cases.map((c, i) => [c.name, libraryVerdict(c, i), c.expect]).filter(([, got, want]) => got !== want);
    expect(wrong).toEqual([]);
  });

  it('the CLI agrees on a sample (both forms, each tampering kind); a changed layer number fails', async () => {
    const pick = (f: (c: VectorCase) => boolean) => cases.findIndex(f);
    const sample = [
      pick((c) => c.expect === 'valid' && c.form === 'json' && c.kind === 'byte_range'),
      pick((c) => c.expect === 'valid' && c.form === 'binary' && c.kind === 'file'),
      pick((c) => c.tamper === 'target.layer + 1'),
      pick((c) => c.tamper === 'metadata.layer_number - 1'),
      pick((c) => c.tamper === 'data'),
      pick((c) => c.tamper === 'trusted root'),
      pick((c) => c.tamper?.startsWith('byte_range moved') ?? false),
    ];
    expect(sample.every((i) => i >= 0)).toBe(true);
    const runs = sample.map((i) => {
      const c = cases[i];
      const f = files(c, i);
      const args = ['verify', f.proof, ...(c.root ? ['--root', c.root] : []), ...(f.data ? ['--data', f.data] : [])];
      return startCli(c.target ? [...args, '--target', c.target] : args, { cwd: dir, home: dir }).done;
    });
    const results = await Promise.all(runs);
    results.forEach((r, k) => {
      const c = cases[sample[k]];
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(c.expect === 'valid' ? 0 : 5);
    });
    const moved = cases[sample[6]];
    // What is proven is the covering chunks, whatever range the proof writes beside them.
    expect(results[6].stdout).toContain(`bytes ${moved.proven!.start}-${moved.proven!.end} of`);
    expect(results[2].stderr).toMatch(/the layer path starts at layer \d+, not at layer \d+/);
  });
});
