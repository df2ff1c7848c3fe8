// The proof codec: one module for both forms of a proof document. The JSON form (proof-json.ts: canonical
// text, the strict validator every decoded proof goes through) and the binary form (proof-binary.ts: the same
// content, about half the size, behind the DIGPROOF magic) carry exactly the same Proof; callers pick a form
// by name to write, and reading tells the forms apart by the magic.
import { decodeProofBinary, encodeProofBinary, isBinaryProof } from './proof-binary.js';
import { decodeProof, encodeProof, type Proof } from './proof-json.js';

export { decodeProofBinary, encodeProofBinary, isBinaryProof, PROOF_MAGIC } from './proof-binary.js';
export {
  type ChunkProof,
  decodeProof,
  encodeProof,
  PROOF_HINT,
  PROOF_VERSION,
  PROOF_VERSION_NO_MODE,
  PROOF_MODES,
  type Proof,
  type ProofStep,
  type ProofTarget,
  type ProofType,
  validateProof,
} from './proof-json.js';

export type ProofFormat = 'json' | 'binary';
export const PROOF_FORMATS: readonly ProofFormat[] = ['json', 'binary'];

/** The bytes of `proof` in `format` (JSON: the canonical UTF-8 text). */
export function encodeProofAs(proof: Proof, format: ProofFormat): Buffer {
  return format === 'binary' ? encodeProofBinary(proof) : Buffer.from(encodeProof(proof));
}

/** A proof from its bytes, in either form; throws CorruptDataError for anything that is not a valid proof. */
export function decodeProofBytes(data: Uint8Array, what = 'proof'): Proof {
  return isBinaryProof(data) ? decodeProofBinary(data, what) : decodeProof(Buffer.from(data).toString('utf8'));
}
