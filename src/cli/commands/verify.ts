// `verify`: checks a proof offline — no store, no project, no DIGSTORE_HOME needed.
import { quoteName } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import { readProof, verifyProofFile } from '../../api/proof-files.js';
import { IntegrityError, UsageError } from '../../core/errors.js';
import type { VerifyResult } from '../../core/verify-proof.js';
import type { Proof } from '../../core/codecs/proof-codec.js';
import { output } from '../context.js';

const HEX64 = /^[0-9a-f]{64}$/;

function hexOption(v: string | undefined, name: string): string | undefined {
  if (v !== undefined && !HEX64.test(v))
    throw new UsageError(`${name} must be 64 lowercase hex characters, not '${v}'`);
  return v;
}

/** What the proof claims to be about (for a refusal). */
function subject(p: Proof): string {
  if (p.proof_type === 'layer') return `layer ${p.target.layer}`;
  const r = p.target.byte_range;
  return `${quoteName(p.target.path!)}${r ? ` bytes ${r.start}-${r.end}` : ''}`;
}

/**
 * What a valid proof proves. A range proof binds its covering chunks, not the range written beside them (that
 * could be moved inside the chunks and still verify), so the message names the chunks' span.
 */
function proven(p: Proof, r: VerifyResult): string {
  const gen = `generation ${p.metadata.generation}`;
  if (p.proof_type === 'layer') return `layer ${p.target.layer} of ${gen} is`;
  const name = quoteName(p.target.path!);
  if (!r.proven) return `${name} (${p.target.size} bytes, ${gen}) is`;
  const asked = p.target.byte_range!;
  return `bytes ${r.proven.start}-${r.proven.end} of ${name} (the chunks covering ${asked.start}-${asked.end}, ${gen}) are`;
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
      if (!r.valid) {
        out.result([], r);
        throw new IntegrityError(`invalid proof of ${subject(proof)}: ${r.reason}`);
      }
      out.done(`valid: ${proven(proof, r)} in root ${r.root}${r.dataChecked ? ' (data checked)' : ''}`, r);
      if (!r.rootTrusted)
        out.note(
          'note: checked against the root written in the proof; pass --root HASH to check against a root you trust',
        );
    });
}
