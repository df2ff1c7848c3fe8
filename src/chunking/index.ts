// The public chunking entry point: FastCDC 2020 over a whole buffer, through the WebAssembly loop.
import { cutLengths } from './cut-wasm.js';
import { prepareCdc, type Chunk, type FastCdcOptions } from './fastcdc.js';

export type { Chunk, FastCdcOptions } from './fastcdc.js';

/** Cuts all of `data` into content-defined chunks: `{ offset, length }` for each, in order. */
export function fastcdc(data: Uint8Array, opts: FastCdcOptions): Chunk[] {
  const lengths = cutLengths(data, 0, data.length, prepareCdc(opts));
  const out: Chunk[] = new Array(lengths.length);
  let offset = 0;
  for (let i = 0; i < lengths.length; i++) {
    out[i] = { offset, length: lengths[i] };
    offset += lengths[i];
  }
  return out;
}
