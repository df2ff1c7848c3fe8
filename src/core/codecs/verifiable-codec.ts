// The verifiable response (`GET …?format=verifiable`, media type application/vnd.digstore.verifiable): a
// proof and the bytes it covers in one body, so a client checks content against a root in one round trip.
// Little-endian.
//
//  offset  size  field
//  ------  ----  ---------------------------------------------------------------------------------------
//  0       8     MAGIC "DIGVERIF"
//  8       2     VERSION (1)
//  10      4     proof length P (≤ MAX_PROOF_BYTES)
//  14      P     the proof in binary form (proof-binary.ts: its own magic and SHA-256 checksum)
//  14 + P  …     data: for a byte_range proof the covering chunks' bytes, in order (their sizes are in the
//                proof); for a file proof (only an empty file is sent so) nothing
//
// The proof is the header's checksum and the data's: every chunk is checked against its hash in the proof,
// and the proof against the root the client trusts. Nothing may follow the data.
import { ByteReader, ByteWriter } from '../bytes.js';
import { CorruptDataError } from '../errors.js';
import { magic, readPrologue, writePrologue } from './common.js';

export const VERIFIABLE_MAGIC = magic('DIGVERIF');
export const VERIFIABLE_VERSION = 1;
export const VERIFIABLE_MEDIA_TYPE = 'application/vnd.digstore.verifiable';
export const VERIFIABLE_HEADER_SIZE = 14;
/** A proof of a range of a 100 GiB file (100,000 chunks of ~17 steps) is ~60 MB; more is refused. */
export const MAX_PROOF_BYTES = 64 * 1024 * 1024;

export function encodeVerifiableHeader(proofLength: number): Buffer {
  const w = new ByteWriter(VERIFIABLE_HEADER_SIZE);
  writePrologue(w, VERIFIABLE_MAGIC, VERIFIABLE_VERSION);
  return w.u32(proofLength).finish();
}

/** The proof length a header announces; CorruptDataError for anything that is not such a header. */
export function decodeVerifiableHeader(b: Uint8Array, what = 'verifiable response'): number {
  const r = new ByteReader(b, what);
  readPrologue(r, VERIFIABLE_MAGIC, VERIFIABLE_VERSION);
  const length = r.u32();
  if (length === 0 || length > MAX_PROOF_BYTES)
    throw new CorruptDataError(`${what}: proof length ${length} is out of bounds`);
  return length;
}
