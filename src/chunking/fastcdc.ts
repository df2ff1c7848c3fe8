// FastCDC 2020 (normalized chunking, two bytes per step), bit-for-bit as ../shared/spec/fastcdc.md and
// the Rust `fastcdc` crate's v2020 module. Pure functions over Uint8Array; see gear.ts for the 64-bit trick.
import { UsageError } from '../core/errors.js';
import { gearTables, LO_BITS, LO_MASK, HI_MASK, MASKS, splitMask } from './gear.js';

export interface FastCdcOptions {
  minSize: number;
  avgSize: number;
  maxSize: number;
  /** Normalization level 0..3 (default 1). */
  normalization?: number;
}

export interface Chunk {
  offset: number;
  length: number;
}

/** Options checked once and turned into the split masks the loop needs. */
export interface PreparedCdc {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
  readonly sLo: number;
  readonly sHi: number;
  readonly sLsLo: number;
  readonly sLsHi: number;
  readonly lLo: number;
  readonly lHi: number;
  readonly lLsLo: number;
  readonly lLsHi: number;
  /** The two masks whole, for the WebAssembly loop. */
  readonly maskS: bigint;
  readonly maskL: bigint;
}

export function prepareCdc(opts: FastCdcOptions): PreparedCdc {
  const { minSize, avgSize, maxSize } = opts;
  const n = opts.normalization ?? 1;
  if (![minSize, avgSize, maxSize].every((v) => Number.isSafeInteger(v) && v > 0)) {
    throw new UsageError('fastcdc: minSize, avgSize and maxSize must be positive integers');
  }
  if (!(minSize <= avgSize && avgSize <= maxSize)) throw new UsageError('fastcdc: need minSize <= avgSize <= maxSize');
  if (!Number.isInteger(n) || n < 0 || n > 3) throw new UsageError('fastcdc: normalization must be 0, 1, 2 or 3');
  const bits = Math.round(Math.log2(avgSize));
  if (bits - n < 0 || bits + n >= MASKS.length) throw new UsageError(`fastcdc: avgSize ${avgSize} is out of range`);
  const s = splitMask(MASKS[bits + n]);
  const sLs = splitMask(MASKS[bits + n] * 2);
  const l = splitMask(MASKS[bits - n]);
  const lLs = splitMask(MASKS[bits - n] * 2);
  return {
    minSize,
    avgSize,
    maxSize,
    sLo: s.lo,
    sHi: s.hi,
    sLsLo: sLs.lo,
    sLsHi: sLs.hi,
    lLo: l.lo,
    lHi: l.hi,
    lLsLo: lLs.lo,
    lLsHi: lLs.hi,
    maskS: BigInt(MASKS[bits + n]),
    maskL: BigInt(MASKS[bits - n]),
  };
}

/**
 * Length of the next chunk of `src[start, end)`. `end - start` may be less than the rest of the input only
 * when it is at least maxSize (a streaming caller must hand over maxSize bytes or the true end of input).
 */
export function findCut(src: Uint8Array, start: number, end: number, p: PreparedCdc): number {
  let remaining = end - start;
  if (remaining <= p.minSize) return remaining;
  let center = p.avgSize;
  if (remaining > p.maxSize) remaining = p.maxSize;
  else if (remaining < center) center = remaining;
  const GEAR = gearTables();
  const gLo = GEAR.lo,
    gHi = GEAR.hi,
    gLsLo = GEAR.lsLo,
    gLsHi = GEAR.lsHi;
  let lo = 0,
    hi = 0;
  let i = p.minSize >>> 1;
  const halfCenter = center >>> 1;
  const halfRemaining = remaining >>> 1;
  for (let mLsLo = p.sLsLo, mLsHi = p.sLsHi, mLo = p.sLo, mHi = p.sHi, stop = halfCenter; ; ) {
    for (; i < stop; i++) {
      const a = start + 2 * i;
      let b = src[a];
      lo = (lo << 2) + gLsLo[b];
      hi = ((hi << 2) + gLsHi[b] + (lo >>> LO_BITS)) & HI_MASK;
      lo &= LO_MASK;
      if ((lo & mLsLo) === 0 && (hi & mLsHi) === 0) return 2 * i;
      b = src[a + 1];
      lo = lo + gLo[b];
      hi = (hi + gHi[b] + (lo >>> LO_BITS)) & HI_MASK;
      lo &= LO_MASK;
      if ((lo & mLo) === 0 && (hi & mHi) === 0) return 2 * i + 1;
    }
    if (stop === halfRemaining) return remaining;
    // Past the average size: switch to the easier mask (normalized chunking).
    mLsLo = p.lLsLo;
    mLsHi = p.lLsHi;
    mLo = p.lLo;
    mHi = p.lHi;
    stop = halfRemaining;
  }
}

/** Cuts all of `data` into content-defined chunks with this JavaScript loop (the reference). */
export function fastcdcJs(data: Uint8Array, opts: FastCdcOptions): Chunk[] {
  const p = prepareCdc(opts);
  const out: Chunk[] = [];
  let offset = 0;
  while (offset < data.length) {
    const length = findCut(data, offset, data.length, p);
    out.push({ offset, length });
    offset += length;
  }
  return out;
}
