// SHA-256 helpers. node:crypto's SHA-256 uses the CPU's SHA extensions where present, far faster than any
// JS. The one-shot crypto.hash (Node >= 20.12) avoids a Hash object per call: twice as fast for the many
// small inputs of merkle trees and small files.
import * as crypto from 'node:crypto';
import { UsageError } from './errors.js';

export const HASH_SIZE = 32;
const HEX64 = /^[0-9a-f]{64}$/;

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const oneShot: OneShot | undefined = (crypto as unknown as { hash?: OneShot }).hash;

export const sha256: (data: Uint8Array) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();

/** SHA-256 over several parts without concatenating them first. */
export function sha256Parts(parts: readonly Uint8Array[]): Uint8Array {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA-256 fed piece by piece, for files written as a stream of parts. */
export function sha256Stream(): { update(data: Uint8Array): void; digest(): Uint8Array } {
  const h = crypto.createHash('sha256');
  return { update: (data) => void h.update(data), digest: () => h.digest() };
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function isHash(hex: string): boolean {
  return HEX64.test(hex);
}

/** Parses 64 lowercase hex characters; `what` names the value in the error message. */
export function fromHex(hex: string, what = 'hash'): Uint8Array {
  if (!isHash(hex)) throw new UsageError(`invalid ${what} '${hex}': expected 64 lowercase hex characters`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_SIZE);
