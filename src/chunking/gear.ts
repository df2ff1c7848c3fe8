// FastCDC 2020 tables (see ../shared/spec/fastcdc.md). GEAR[i] is the first 8 bytes (big-endian) of
// MD5 over 64 bytes all equal to i, as in the reference implementations, so cut points match them.
//
// JavaScript has no fast 64-bit integers, and BigInt is far too slow for the hot loop. Only the low 50
// bits of the hash can ever matter: the largest mask (0xdb3777577000, shifted left once) tests bit 48,
// and the hash only shifts left and adds, so higher bits never flow down into lower ones. We therefore
// keep hash mod 2^50 as two V8 small integers: LO = bits 0..23, HI = bits 24..49.
import { createHash } from 'node:crypto';

export const LO_BITS = 24;
export const LO_MASK = 0xffffff;
export const HI_MASK = 0x3ffffff;

/** MASKS[b] from the spec, for bit counts b = 0..25. */
export const MASKS: readonly number[] = [
  0, 0, 0, 0, 0, 0x1804110, 0x1803110, 0x18035100, 0x1800035300, 0x19000353000, 0x590003530000, 0xd90003530000,
  0xd90103530000, 0xd90303530000, 0xd90313530000, 0xd90f03530000, 0xd90303537000, 0xd90703537000, 0xd90707537000,
  0xd91707537000, 0xd91747537000, 0xd91767537000, 0xd93767537000, 0xd93777537000, 0xd93777577000, 0xdb3777577000,
];

function buildTables(): { lo: Int32Array; hi: Int32Array; lsLo: Int32Array; lsHi: Int32Array } {
  const lo = new Int32Array(256);
  const hi = new Int32Array(256);
  const lsLo = new Int32Array(256);
  const lsHi = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const d = createHash('md5').update(Buffer.alloc(64, i)).digest();
    const w0 = d.readUInt32BE(4); // low 32 bits of the 64-bit big-endian value
    const w1 = d.readUInt32BE(0);
    lo[i] = w0 & LO_MASK;
    hi[i] = ((w1 << 8) | (w0 >>> 24)) & HI_MASK;
    lsLo[i] = (lo[i] << 1) & LO_MASK;
    lsHi[i] = ((hi[i] << 1) | (lo[i] >>> (LO_BITS - 1))) & HI_MASK;
  }
  return { lo, hi, lsLo, lsHi };
}

let gear: ReturnType<typeof buildTables> | undefined;
/** The tables, built on first use (256 MD5s: a command that chunks nothing does not pay for them). */
export function gearTables(): ReturnType<typeof buildTables> {
  gear ??= buildTables();
  return gear;
}

/** Splits a mask (< 2^50) into its LO and HI parts. */
export function splitMask(mask: number): { lo: number; hi: number } {
  return { lo: mask % 2 ** LO_BITS, hi: Math.floor(mask / 2 ** LO_BITS) & HI_MASK };
}
