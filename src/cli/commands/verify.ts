// `verify`: checks a proof offline — no store, no project, no DIGSTORE_HOME needed.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeProofBinary, isBinaryProof } from '../../core/codecs/proof-codec.js';
import { CorruptDataError, DigstoreError, IntegrityError, UsageError, fromSystemError } from '../../core/errors.js';
import { PROOF_HINT, decodeProof, type Proof } from '../../core/proof-json.js';
import { dataRange, verifyProof, type ByteSource } from '../../core/verify-proof.js';
import { hashRange } from '../../store/fs-utils.js';
import { output } from '../context.js';

const MAX_PROOF_BYTES = 256 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

function readProof(file: string): Proof {
  try {
    const fd = file === '-' ? 0 : openSync(file, 'r');
    try {
      if (file !== '-' && fstatSync(fd).size > MAX_PROOF_BYTES)
        throw new UsageError(`${file} is larger than any proof (${MAX_PROOF_BYTES} bytes)`);
      const data = readFileSync(fd);
      return isBinaryProof(data) ? decodeProofBinary(data) : decodeProof(data.toString('utf8'));
    } finally {
      if (file !== '-') closeSync(fd);
    }
  } catch (e) {
    if (e instanceof CorruptDataError) throw new CorruptDataError(e.message, PROOF_HINT);
    if (e instanceof DigstoreError) throw e;
    throw fromSystemError(e, `cannot read the proof ${file}`);
  }
}

/** The data file, hashed span by span straight from disk (a 5 GiB file is never held in memory). */
function fileSource(fd: number): ByteSource {
  return { size: fstatSync(fd).size, sha256: (start, length) => hashRange(fd, start, length) };
}

function hexOption(v: string | undefined, name: string): string | undefined {
  if (v !== undefined && !HEX64.test(v))
    throw new UsageError(`${name} must be 64 lowercase hex characters, not '${v}'`);
  return v;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check a proof without the store (exit 0 valid, 5 invalid)')
    .argument('<proof>', 'proof file from `digstore prove`, JSON or binary (- for stdin)')
    .option('--root <hash>', 'the root hash you trust; the proof must lead to it')
    .option('--target <hash>', 'the file hash (or layer root) you expect the proof to be about')
    .option('--data <file>', 'check these bytes too: the whole file, or for a byte-range proof the covering chunks')
    .action((file: string, flags: { root?: string; target?: string; data?: string }, cmd: Command) => {
      const out = output(cmd);
      const proof = readProof(file);
      const root = hexOption(flags.root, '--root');
      const target = hexOption(flags.target, '--target');
      let fd: number | undefined;
      try {
        if (flags.data !== undefined) {
          try {
            fd = openSync(flags.data, 'r');
          } catch (e) {
            throw fromSystemError(e, `cannot read ${flags.data}`);
          }
        }
        const r = verifyProof(proof, { root, target, data: fd === undefined ? undefined : fileSource(fd) });
        const span = dataRange(proof);
        const what =
          proof.proof_type === 'layer'
            ? `layer ${proof.target.layer}`
            : `'${proof.target.path}'${span ? ` bytes ${proof.target.byte_range!.start}-${proof.target.byte_range!.end}` : ''}`;
        if (!r.valid) {
          out.result([], r);
          throw new IntegrityError(`invalid proof of ${what}: ${r.reason}`);
        }
        out.result(`valid: ${what}${r.dataChecked ? ' (data checked)' : ''} is in root ${r.root}`, r);
        if (!r.rootTrusted)
          out.note(
            'note: checked against the root written in the proof; pass --root HASH to check against a root you trust',
          );
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    });
}
