// Reads docs/conformance/proof-vectors.json (written by scripts/make-proof-vectors.mjs): the cases, and for
// each its proof bytes and its data bytes as a third-party verifier would rebuild them from the document.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface VectorCase {
  name: string;
  tamper?: string;
  form: 'json' | 'binary';
  /** JSON form: the proof text; binary form: base64. */
  proof: string;
  root: string | null;
  target: string | null;
  data: { blob: string; start: number; end: number; xor_0x20_at?: number } | null;
  expect: 'valid' | 'invalid';
  proven?: { start: number; end: number };
  /** Derived here: the proof type written in the case's name. */
  kind: 'file' | 'byte_range' | 'layer';
}

export function loadVectors() {
  const doc = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'conformance', 'proof-vectors.json'), 'utf8'),
  );
  const blobs: Record<string, string> = doc.blobs;
  const cases: VectorCase[] = doc.cases.map((c: Omit<VectorCase, 'kind'>) => ({
    ...c,
    kind: c.name.startsWith('layer') ? 'layer' : c.name.startsWith('bytes') ? 'byte_range' : 'file',
  }));
  const proofBytes = (c: VectorCase): Buffer =>
    c.form === 'binary' ? Buffer.from(c.proof, 'base64') : Buffer.from(c.proof, 'utf8');
  const dataBytes = (c: VectorCase): Buffer | undefined => {
    if (!c.data) return undefined;
    const bytes = Buffer.from(Buffer.from(blobs[c.data.blob], 'base64').subarray(c.data.start, c.data.end + 1));
    if (c.data.xor_0x20_at !== undefined) bytes[c.data.xor_0x20_at] ^= 0x20;
    return bytes;
  };
  return { cases, proofBytes, dataBytes, roots: doc.roots as string[], storeId: doc.store_id as string };
}
