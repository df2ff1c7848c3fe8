// Proof files for people and programs: read one (JSON or binary, a file or stdin), write one atomically, and
// verify one against data on disk without loading it. The CLI's `prove` and `verify` are built on these; no
// store is needed for reading or verifying.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  decodeProofBytes,
  encodeProofAs,
  PROOF_HINT,
  type Proof,
  type ProofFormat,
} from '../core/codecs/proof-codec.js';
import { CorruptDataError, DigstoreError, fromSystemError, UsageError } from '../core/errors.js';
import { type VerifyResult, verifyProof } from '../core/verify-proof.js';
import { writeFileAtomically } from '../retrieve/atomic-file.js';
import { hashRange } from '../store/fs-utils.js';

/** No proof file is this large (a byte-range proof costs ~2 KB per covered chunk): refused before reading. */
export const MAX_PROOF_BYTES = 256 * 1024 * 1024;
/**
 * What is read from an input of unknown size (stdin, a FIFO, a device such as /dev/zero): beyond this, the
 * input is refused rather than held in memory; a larger proof can still be read from a regular file.
 */
export const MAX_STREAMED_PROOF_BYTES = 16 * 1024 * 1024;

/** Reads at most `limit` bytes of `fd` in blocks; more than that is an error naming `what`. */
function readCapped(fd: number, limit: number, what: string): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  // One read buffer, and a copy of what each read gave: a pipe gives 64 KiB at a time, and keeping a view of
  // a fresh 1 MiB block per read held 16 times the input in memory.
  const block = Buffer.allocUnsafe(1024 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, block, 0, block.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking stdin: try again
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > limit)
      throw new UsageError(
        `${what} gives more than ${limit / 1024 / 1024} MiB: no proof is that large`,
        'give the proof as a regular file',
      );
    parts.push(Buffer.from(block.subarray(0, n)));
  }
  return Buffer.concat(parts, total);
}

/**
 * Reads a proof file in either form (`-` reads standard input).
 * @throws CorruptDataError (exit 5) when it is not a valid proof; NotFoundError when the file is missing.
 * @example const proof = readProof('p.json'); verifyProof(proof, { root }).valid
 */
export function readProof(file: string): Proof {
  try {
    const fd = file === '-' ? 0 : openSync(file, 'r');
    try {
      const st = fstatSync(fd);
      if (st.isFile() && st.size > MAX_PROOF_BYTES)
        throw new UsageError(`${file} is larger than any proof (${MAX_PROOF_BYTES} bytes)`);
      const limit = st.isFile() ? MAX_PROOF_BYTES : MAX_STREAMED_PROOF_BYTES;
      return decodeProofBytes(readCapped(fd, limit, file === '-' ? 'standard input' : file));
    } finally {
      if (file !== '-') closeSync(fd);
    }
  } catch (e) {
    if (e instanceof CorruptDataError) throw new CorruptDataError(e.message, PROOF_HINT);
    if (e instanceof DigstoreError) throw e;
    throw fromSystemError(e, `cannot read the proof ${file}`);
  }
}

/**
 * Writes `proof` to `file` in `format` (default json), replacing it atomically: a reader never sees half a
 * proof, and a symlink at `file` is replaced, not written through. Returns the number of bytes written.
 * @example await writeProof(store.prove('a.txt'), 'a.proof', 'binary')
 */
export async function writeProof(proof: Proof, file: string, format: ProofFormat = 'json'): Promise<number> {
  const bytes = encodeProofAs(proof, format);
  await writeFileAtomically(resolve(file), (write) => write(bytes));
  return bytes.length;
}

/**
 * Verifies `proof` offline, optionally against the bytes of `dataFile` (the whole file, or for a byte-range
 * proof the covering chunks), hashed span by span from disk: a 5 GiB file is never held in memory.
 * Never throws for an invalid proof: `valid` is false and `reason` names the failed hash.
 */
export function verifyProofFile(
  proof: Proof,
  opts: { root?: string; target?: string; dataFile?: string } = {},
): VerifyResult {
  if (opts.dataFile === undefined) return verifyProof(proof, { root: opts.root, target: opts.target });
  let fd: number;
  try {
    fd = openSync(opts.dataFile, 'r');
  } catch (e) {
    throw fromSystemError(e, `cannot read ${opts.dataFile}`);
  }
  try {
    const data = { size: fstatSync(fd).size, sha256: (start: number, length: number) => hashRange(fd, start, length) };
    return verifyProof(proof, { root: opts.root, target: opts.target, data });
  } finally {
    closeSync(fd);
  }
}
