// Runs the WebAssembly FastCDC (fastcdc.wat) over a region of input: the 64-bit gear hash is a native i64
// there, about twice as fast as the best JS formulation (fastcdc.ts), which stays as the fallback and as the
// reference the tests compare against. One instance per thread; input is copied into linear memory.
import { createHash } from 'node:crypto';
import { FASTCDC_WASM } from './fastcdc-wasm.generated.js';
import { findCut, type PreparedCdc } from './fastcdc.js';

const DATA = 4096;
const PAGE = 65536;

interface Exports {
  memory: WebAssembly.Memory;
  cutAll: (
    p: number,
    n: number,
    min: number,
    avg: number,
    max: number,
    ms: bigint,
    ml: bigint,
    last: number,
    out: number,
  ) => number;
}

let wasm: Exports | null | undefined;

function load(): Exports | null {
  if (wasm !== undefined) return wasm;
  try {
    const mod = new WebAssembly.Module(Buffer.from(FASTCDC_WASM, 'base64'));
    const ex = new WebAssembly.Instance(mod, {}).exports as unknown as Exports;
    const gear = new BigUint64Array(ex.memory.buffer, 0, 512);
    for (let i = 0; i < 256; i++) {
      const g = createHash('md5').update(Buffer.alloc(64, i)).digest().readBigUInt64BE(0);
      gear[i] = g;
      gear[256 + i] = (g << 1n) & 0xffff_ffff_ffff_ffffn;
    }
    wasm = ex;
  } catch {
    wasm = null; // no WebAssembly here: the JS loop gives the same cut points, slower
  }
  return wasm;
}

/**
 * Chunk lengths for `data[start, end)`. Unless `last`, stops while fewer than maxSize bytes remain: those
 * may belong to a chunk that continues in the next block of a stream.
 */
export function cutLengths(data: Uint8Array, start: number, end: number, p: PreparedCdc, last = true): number[] {
  const n = end - start;
  const lengths: number[] = [];
  const ex = load();
  if (!ex) {
    for (let s = start; s < end && (last || end - s >= p.maxSize); ) {
      const len = findCut(data, s, end, p);
      lengths.push(len);
      s += len;
    }
    return lengths;
  }
  const out = DATA + ((n + 3) & ~3);
  const need = out + 4 * (Math.floor(n / Math.max(1, p.minSize)) + 2);
  if (need > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / PAGE));
  new Uint8Array(ex.memory.buffer, DATA, n).set(data.subarray(start, end));
  const count = ex.cutAll(DATA, n, p.minSize, p.avgSize, p.maxSize, p.maskS, p.maskL, last ? 1 : 0, out);
  const view = new Int32Array(ex.memory.buffer, out, count);
  for (let i = 0; i < count; i++) lengths.push(view[i]);
  return lengths;
}
