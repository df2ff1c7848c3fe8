// The published conformance vectors (docs/conformance/proof-vectors.json): every case reaches its verdict
// through what `digstore verify` runs (readProof + verifyProofFile on files), and a sample of them through the
// spawned CLI itself — valid proofs in both forms, each kind of tampering and the moved byte range.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeProofBytes, fetchVerified, readProof, verifyProofFile } from '../../dist/index.js';
import { encodeProofBinary, type Proof } from '../../dist/core/codecs/proof-codec.js';
import { encodeVerifiableHeader, VERIFIABLE_MEDIA_TYPE } from '../../dist/core/codecs/verifiable-codec.js';
import { encodeUrnPath } from '../../dist/core/urn.js';
import { cleanupTempDirs, startCli, tempDir } from '../helpers.js';
import { loadVectors, type VectorCase } from '../support/vectors.js';

afterAll(cleanupTempDirs);

const { cases, proofBytes, dataBytes, storeId } = loadVectors();
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

describe('conformance vectors through the fetch client', () => {
  it('every range proof with its data, and every empty-file proof, gets its verdict from fetchVerified', async () => {
    // The client takes what a gateway sends: a range proof and its covering chunks (an empty file: a file
    // proof, no data). Each such case is served as that body, from its own prefix of a local server.
    const served = cases
      .map((c, i) => ({ c, i }))
      .filter(
        ({ c }) => c.root !== null && (c.kind === 'byte_range' || c.name.includes('"empty.txt"')) && c.data !== null,
      );
    expect(served.length).toBeGreaterThanOrEqual(60);
    const bodies = new Map<number, Buffer>();
    const proofs = new Map<number, Proof>();
    for (const { c, i } of served) {
      let proof: Proof;
      try {
        proof = decodeProofBytes(proofBytes(c));
      } catch {
        continue; // does not decode: invalid for any verifier
      }
      const binary = encodeProofBinary(proof);
      bodies.set(i, Buffer.concat([encodeVerifiableHeader(binary.length), binary, dataBytes(c) ?? Buffer.alloc(0)]));
      proofs.set(i, proof);
    }
    const server = createServer((req, res) => {
      const body = bodies.get(Number(/^\/case-(\d+)\//.exec(req.url!)?.[1]));
      res.writeHead(body ? 200 : 404, { 'Content-Type': VERIFIABLE_MEDIA_TYPE }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const wrong: string[] = [];
      for (const { c, i } of served) {
        const proof = proofs.get(i);
        let verdict = 'invalid';
        if (proof) {
          const r = proof.target.byte_range;
          const urn = `urn:dig:chia:${storeId}:${c.root}/${encodeUrnPath(proof.target.path!)}`;
          const got: Buffer[] = [];
          const opts = { from: `${base}/case-${i}`, ...(r && { range: `${r.start}-${r.end}` }) };
          verdict = await fetchVerified(urn, (b) => void got.push(Buffer.from(b)), opts).then(
            () => 'valid',
            () => 'invalid',
          );
          // What a valid fetch hands out is exactly the requested slice of the proven data.
          if (verdict === 'valid' && r) {
            const data = dataBytes(c)!;
            const from = r.start - proof.chunks![0].offset;
            if (!Buffer.concat(got).equals(data.subarray(from, from + r.end - r.start + 1))) verdict = 'wrong bytes';
          }
        }
        if (verdict !== c.expect) wrong.push(`${c.name}: ${verdict}`);
      }
      expect(wrong).toEqual([]);
    } finally {
      server.close();
    }
  });
});
