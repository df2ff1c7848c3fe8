// `verify`: checks a proof offline — no store, no project, no DIGSTORE_HOME needed.
import { quoteName } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import { readProof, verifyProofFile } from '../../api/proof-files.js';
import { IntegrityError, UsageError } from '../../core/errors.js';
import { dataRange } from '../../core/verify-proof.js';
import { output } from '../context.js';

const HEX64 = /^[0-9a-f]{64}$/;

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
      const r = verifyProofFile(proof, { root, target, dataFile: flags.data });
      const span = dataRange(proof);
      const what =
        proof.proof_type === 'layer'
          ? `layer ${proof.target.layer}`
          : `${quoteName(proof.target.path!)}${span ? ` bytes ${proof.target.byte_range!.start}-${proof.target.byte_range!.end}` : ''}`;
      if (!r.valid) {
        out.result([], r);
        throw new IntegrityError(`invalid proof of ${what}: ${r.reason}`);
      }
      out.done(`valid: ${what}${r.dataChecked ? ' (data checked)' : ''} is in root ${r.root}`, r);
      if (!r.rootTrusted)
        out.note(
          'note: checked against the root written in the proof; pass --root HASH to check against a root you trust',
        );
    });
}
