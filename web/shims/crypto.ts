// node:crypto in the browser bundle: only what src/core uses — createHash('sha256') for the small hashes of
// merkle trees and proofs (synchronous, as core's verification is), from @noble/hashes (audited, no deps).
// The bytes of a file's chunks are hashed with WebCrypto instead (web/verify.ts).
import { sha256 } from '@noble/hashes/sha2.js';

class Sha256 {
  private readonly h = sha256.create();

  update(data: Uint8Array): this {
    this.h.update(data);
    return this;
  }

  digest(): Buffer {
    return Buffer.from(this.h.digest());
  }
}

export function createHash(algorithm: string): Sha256 {
  if (algorithm !== 'sha256') throw new Error(`only sha256 in the browser, not ${algorithm}`);
  return new Sha256();
}

/** node:crypto's one-shot `hash` (Node ≥ 20.12) does not exist here: core/digest.ts then uses createHash. */
export const hash = undefined;
