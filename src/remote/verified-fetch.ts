// The verified-fetch client: downloads a file or byte range through any gateway (or a cache in front of one)
// and hands out only bytes that prove out against a root the caller trusts. One round trip: the gateway's
// verifiable response (core/codecs/verifiable-codec.ts) carries a proof and the covering chunks; the proof is
// checked against the trusted root, its path and size against the request, then every chunk against its hash
// before any byte of it is given to `sink`. The gateway is never believed about anything else.
import { decodeProofBinary, type Proof } from '../core/codecs/proof-codec.js';
import {
  decodeVerifiableHeader,
  VERIFIABLE_HEADER_SIZE,
  VERIFIABLE_MEDIA_TYPE,
} from '../core/codecs/verifiable-codec.js';
import { sha256, toHex } from '../core/digest.js';
import { DigstoreError, IntegrityError, NotFoundError, UsageError } from '../core/errors.js';
import { encodeUrnPath, formatRange, parseRange, type RangeSpec, resolveRange } from '../core/urn.js';
import { dataRange, verifyProof } from '../core/verify-proof.js';
import { BodyReader } from './body-reader.js';
import { gatewayGet } from './gateway-http.js';
import { type GatewayTarget, parseGatewayTarget } from './gateway-target.js';

export interface FetchOptions {
  /** The gateway's base URL, for a target given as a URN. */
  from?: string;
  /** The root hash to trust (64 hex); default: the root the target names. */
  root?: string;
  /** A byte range of the file (`a-b`, `a-`, `-n`, inclusive). */
  range?: RangeSpec | string;
  /** Give up when the gateway sends nothing for this long (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * How a chunk's bytes are hashed (SHA-256); default the core digest (node:crypto). A browser passes
   * WebCrypto's `crypto.subtle.digest`: everything else — the proof, the tree — is checked by the same code.
   */
  hashChunk?: (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;
}

export interface FetchResult {
  storeId: string;
  root: string;
  path: string;
  /** The file's size and hash, as the verified proof states them. */
  size: number;
  hash: string;
  /** The inclusive bytes handed to the sink. */
  start: number;
  end: number;
  bytes: number;
  url: string;
}

const lie = (url: string, why: string) => new IntegrityError(`the gateway's answer does not verify (${url}): ${why}`);

async function request(url: string, opts: FetchOptions, t: GatewayTarget): Promise<Response> {
  const res = await gatewayGet(url, {
    accept: VERIFIABLE_MEDIA_TYPE,
    signal: opts.signal,
    notFound: new NotFoundError(`the gateway has no '${t.path}' at root ${t.root} of store ${t.storeId}`, undefined, {
      url,
    }),
  });
  if (res.headers.get('content-type') !== VERIFIABLE_MEDIA_TYPE)
    throw lie(url, `it is not a verifiable response (Content-Type ${res.headers.get('content-type')})`);
  if (!res.body) throw lie(url, 'the response has no body');
  return res;
}

/** Checks the proof against what was asked and the trusted root; returns the inclusive bytes to hand out. */
function checkProof(proof: Proof, t: GatewayTarget, range: RangeSpec | undefined, url: string) {
  const v = verifyProof(proof, { root: t.root });
  if (!v.valid) throw lie(url, v.reason!);
  if (proof.proof_type === 'layer' || proof.target.path !== t.path)
    throw lie(url, `it proves ${proof.proof_type === 'layer' ? 'a layer' : `'${proof.target.path}'`}, not '${t.path}'`);
  if (proof.metadata.store_id !== t.storeId) throw lie(url, `it is about store ${proof.metadata.store_id}`);
  const size = proof.target.size!;
  if (proof.proof_type === 'file') {
    if (size !== 0) throw lie(url, 'a non-empty file must come as a range proof with its chunks');
    if (range) resolveRange(range, 0); // throws: no byte range of an empty file
    return { start: 0, end: -1 };
  }
  const want = resolveRange(range ?? { start: 0 }, size);
  const span = dataRange(proof)!;
  if (span.start > want.start || span.end < want.end)
    throw lie(url, `its chunks cover ${span.start}-${span.end}, not the bytes ${want.start}-${want.end} asked for`);
  return want;
}

/**
 * Downloads what `target` names (a gateway URL, or a URN with `opts.from`) and calls `sink` with verified
 * bytes only, in order. Throws IntegrityError when the gateway's answer does not prove out (nothing of a
 * failing chunk reaches `sink`), NetworkError when it cannot be had, NotFoundError for a 404.
 */
export async function fetchVerified(
  target: string,
  sink: (bytes: Buffer) => void | Promise<void>,
  opts: FetchOptions = {},
): Promise<FetchResult> {
  const t = parseGatewayTarget(target, opts);
  const optRange = typeof opts.range === 'string' ? parseRange(opts.range) : opts.range;
  if (optRange && t.range)
    throw new UsageError(`'${target}' already has a byte range`, 'give #bytes= or --bytes, not both');
  const range = optRange ?? t.range;
  const query = `format=verifiable${range ? `&bytes=${formatRange(range)}` : ''}`;
  const url = `${t.base}/${t.storeId}/${t.root}/${encodeUrnPath(t.path)}?${query}`;
  const res = await request(url, opts, t);
  const body = new BodyReader(res.body!.getReader(), opts.idleTimeoutMs ?? 30_000, url);
  try {
    let proof: Proof;
    try {
      const length = decodeVerifiableHeader(await body.exactly(VERIFIABLE_HEADER_SIZE), url);
      proof = decodeProofBinary(await body.exactly(length), `proof from ${url}`);
    } catch (e) {
      if (e instanceof DigstoreError && e.code === 'CORRUPT') throw lie(url, e.message);
      throw e;
    }
    const want = checkProof(proof, t, range, url);
    for (const c of proof.chunks ?? []) {
      const data = await body.exactly(c.size);
      const digest = opts.hashChunk ? await opts.hashChunk(data) : sha256(data);
      if (toHex(digest) !== c.hash) throw lie(url, `the chunk at ${c.offset} does not match its hash`);
      const from = Math.max(want.start, c.offset);
      const to = Math.min(want.end, c.offset + c.size - 1);
      if (from <= to) await sink(data.subarray(from - c.offset, to - c.offset + 1));
    }
    if (!(await body.atEnd())) throw lie(url, 'it goes on past the data its proof covers');
    const result = {
      storeId: t.storeId,
      root: t.root,
      path: t.path,
      size: proof.target.size!,
      hash: proof.target.hash,
    };
    return { ...result, start: want.start, end: want.end, bytes: want.end - want.start + 1, url };
  } finally {
    body.cancel();
  }
}
