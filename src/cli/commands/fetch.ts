// `fetch`: downloads a file or byte range through an HTTP gateway and checks every byte against a root you
// trust before it is written (src/remote/verified-fetch.ts). `-o FILE` appears only when all of it verified;
// on stdout only verified chunks are written, and a failure stops the output (exit 5 or 6).
import type { Command } from 'commander';
import { fetchToFd, fetchToFile } from '../../api/fetch.js';
import { UsageError } from '../../core/errors.js';
import { output } from '../context.js';

export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('download a file or byte range through a gateway, verified against a root (docs/http.md)')
    .argument('<target>', 'gateway URL (http://HOST/STORE/ROOT/PATH) or URN (with --from)')
    .option('--from <url>', 'the gateway (for a URN target, or to ask another gateway)')
    .option('--root <hash>', 'the root you trust (default: the one in the target; required for latest)')
    .option('--bytes <range>', 'only these bytes: a-b, a- or -n (inclusive)')
    .option('-o, --output <file>', 'write to FILE (atomically, only if everything verified) instead of stdout')
    .action(
      async (
        target: string,
        flags: { from?: string; root?: string; bytes?: string; output?: string },
        cmd: Command,
      ) => {
        const out = output(cmd);
        if (out.opts.json && !flags.output)
          throw new UsageError('--json needs -o FILE: standard output carries the data');
        const opts = { from: flags.from, root: flags.root, range: flags.bytes };
        const r = flags.output ? await fetchToFile(target, flags.output, opts) : await fetchToFd(target, 1, opts);
        if (flags.output)
          out.done(`${flags.output}: ${r.bytes} bytes of ${r.path}, verified against root ${r.root}`, r);
        else out.note(`${r.bytes} bytes of ${r.path}, verified against root ${r.root}`);
      },
    );
}
