// Turns file content into chunks: files up to the skip threshold are one chunk (no CDC), larger ones are
// cut with FastCDC using the parameters of their size class. CPU only — safe to run in a worker.
import { createHash } from 'node:crypto';
import { prepareCdc, findCut, type PreparedCdc } from '../chunking/fastcdc.js';
import { chunkRoot } from '../core/roots.js';
import type { CdcParams, ChunkingParams } from '../core/types.js';

export interface Piece {
  offset: number;
  length: number;
  hash: Uint8Array;
}

export interface ChunkedContent {
  hash: Uint8Array;
  chunkRoot: Uint8Array;
  pieces: Piece[];
}

/** The FastCDC parameters for a file of `size` bytes, or undefined when it is a single chunk. */
export function cdcFor(size: number, p: ChunkingParams): CdcParams | undefined {
  if (size <= p.skipChunkingThreshold) return undefined;
  if (size < p.smallFileThreshold) return p.small;
  if (size < p.largeFileThreshold) return p.medium;
  return p.large;
}

const prepared = new Map<string, PreparedCdc>();

export function preparedFor(c: CdcParams, normalization: number): PreparedCdc {
  const key = `${c.minSize}/${c.avgSize}/${c.maxSize}/${normalization}`;
  let p = prepared.get(key);
  if (!p) {
    p = prepareCdc({ ...c, normalization });
    prepared.set(key, p);
  }
  return p;
}

const sha = (d: Uint8Array): Uint8Array => createHash('sha256').update(d).digest();

export function chunkContent(data: Uint8Array, params: ChunkingParams): ChunkedContent {
  const hash = sha(data);
  const cdc = cdcFor(data.length, params);
  let pieces: Piece[];
  if (data.length === 0) pieces = [];
  else if (!cdc) pieces = [{ offset: 0, length: data.length, hash }];
  else {
    const p = preparedFor(cdc, params.normalization);
    pieces = [];
    for (let off = 0; off < data.length; ) {
      const len = findCut(data, off, data.length, p);
      pieces.push({ offset: off, length: len, hash: sha(data.subarray(off, off + len)) });
      off += len;
    }
  }
  return {
    hash,
    chunkRoot: chunkRoot(
      pieces.map((x) => x.hash),
      pieces.map((x) => x.length),
    ),
    pieces,
  };
}
