// `?format=proof` (the proof JSON of a file or, with `&bytes=A-B`, of a byte range) and `?format=verifiable`
// (core/codecs/verifiable-codec.ts: the binary proof and the covering chunks in one body). A whole file is
// sent as a range proof over all of its bytes, so the client checks it chunk by chunk as it arrives; an empty
// file, which has no chunk, as a file proof with no data.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeProof, encodeProofBinary } from '../core/codecs/proof-codec.js';
import { encodeVerifiableHeader, VERIFIABLE_MEDIA_TYPE } from '../core/codecs/verifiable-codec.js';
import { UsageError } from '../core/errors.js';
import type { FileEntry } from '../core/types.js';
import { type RangeSpec, resolveRange } from '../core/urn.js';
import type { Snapshot } from '../api/snapshot.js';
import { dataRange } from '../core/verify-proof.js';
import { HttpError } from './http-error.js';
import { pump } from './pump.js';
import { sendBody } from './send-body.js';

function rangeOf(entry: FileEntry, bytes: RangeSpec | undefined): { start: number; end: number } | undefined {
  if (bytes === undefined) return undefined;
  try {
    return resolveRange(bytes, entry.size);
  } catch (e) {
    if (e instanceof UsageError) throw new HttpError(416, `${e.message}`, { 'Content-Range': `bytes */${entry.size}` });
    throw e;
  }
}

export async function sendProof(
  req: IncomingMessage,
  res: ServerResponse,
  snap: Snapshot,
  generation: number,
  entry: FileEntry,
  want: { format: 'proof' | 'verifiable'; bytes?: RangeSpec },
  headers: Record<string, string>,
): Promise<void> {
  const range = rangeOf(entry, want.bytes);
  const head = req.method === 'HEAD';
  if (want.format === 'proof') {
    const body = Buffer.from(encodeProof(snap.prove(generation, entry.path, range)));
    return sendBody(req, res, 200, 'application/json', body, headers);
  }
  const whole = range ?? (entry.size > 0 ? { start: 0, end: entry.size - 1 } : undefined);
  const proof = snap.prove(generation, entry.path, whole);
  const binary = encodeProofBinary(proof);
  const span = dataRange(proof);
  const dataLength = span ? span.end - span.start + 1 : 0;
  const top = encodeVerifiableHeader(binary.length);
  res.writeHead(200, {
    ...headers,
    'Content-Type': VERIFIABLE_MEDIA_TYPE,
    'Content-Length': String(top.length + binary.length + dataLength),
  });
  if (head) return void res.end();
  const body = function* () {
    yield top;
    yield binary;
    if (span) yield* snap.read(entry, span.start, span.end);
  };
  await pump(res, body());
}
