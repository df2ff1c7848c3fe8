// `prove`: a proof that a file, a byte range or a layer is part of a generation's root (docs/proofs.md).
import { quoteName } from '../../core/path-bytes.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeProof } from '../../api/proof-files.js';
import { Store } from '../../api/store.js';
import { encodeProofAs, type Proof } from '../../index.js';
import { UsageError } from '../../core/errors.js';
import { output } from '../context.js';

interface ProveFlags {
  bytes?: string;
  at?: string;
  output?: string;
  layer?: string;
  format?: string;
}

function describe(p: Proof): string {
  const what =
    p.proof_type === 'layer'
      ? `layer ${p.target.layer}`
      : p.proof_type === 'byte_range'
        ? `bytes ${p.target.byte_range!.start}-${p.target.byte_range!.end} of ${quoteName(p.target.path!)} (${p.chunks!.length} chunks)`
        : quoteName(p.target.path!);
  return `proof of ${what} in root ${p.root.hash}`;
}

export function registerProve(program: Command): void {
  program
    .command('prove')
    .description(
      'write a merkle proof that a file, byte range or layer is in a root (verify it with `digstore verify`)',
    )
    .argument('[target]', 'a path in the project, /path#bytes=A-B, or a full URN')
    .option('--bytes <range>', 'prove only these bytes: A-B, A- or -N (inclusive)')
    .option('--at <root>', 'prove against this generation (root hash or a unique prefix of at least 8 hex)')
    .option('--layer <n>', "prove a layer's root instead of a file")
    .option('-o, --output <file>', 'write the proof to FILE instead of stdout')
    .option('--format <format>', 'json (default) or binary (smaller; `verify` reads both)', 'json')
    .action(async (target: string | undefined, flags: ProveFlags, cmd: Command) => {
      const out = output(cmd);
      if (flags.layer !== undefined && !/^[1-9]\d*$/.test(flags.layer))
        throw new UsageError(`--layer must be a layer number, not '${flags.layer}'`);
      if (flags.format !== 'json' && flags.format !== 'binary')
        throw new UsageError(`--format must be json or binary, not '${flags.format}'`);
      if (flags.format === 'binary' && !flags.output && process.stdout.isTTY) {
        throw new UsageError('a binary proof is not for a terminal', 'use -o FILE, or redirect stdout');
      }
      const store = Store.openFor(target, process.cwd());
      const proof = store.prove(target, {
        root: flags.at,
        range: flags.bytes,
        layer: flags.layer === undefined ? undefined : Number(flags.layer),
      });
      const format = flags.format;
      if (flags.output) {
        const bytes = await writeProof(proof, flags.output, format);
        out.done(`wrote ${describe(proof)} to ${flags.output} (${bytes} bytes)`, {
          output: resolve(flags.output),
          bytes,
          proof,
        });
      } else if (out.opts.json && format === 'json') {
        out.result([], proof);
      } else {
        process.stdout.write(encodeProofAs(proof, format));
      }
    });
}
