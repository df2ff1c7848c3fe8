import { quotePath as q } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { openStore, output } from '../context.js';
import { setExitStatus } from '../output.js';

export function registerCheckIgnore(program: Command): void {
  program
    .command('check-ignore')
    .description('show which paths .digignore rules exclude; exit 1 when none is (as git check-ignore)')
    .argument('<paths...>', 'paths to check')
    .option('-v, --verbose', 'also show the deciding file, line and pattern: FILE:LINE:PATTERN<TAB>PATH')
    .action((paths: string[], opts: { verbose?: boolean }, cmd: Command) => {
      const out = output(cmd);
      // `-v` is also the global --verbose flag, which commander may hand to the program instead.
      const verbose = opts.verbose || out.opts.verbose;
      const results = openStore().checkIgnore(paths, process.cwd());
      const lines = results
        .filter((r) => r.ignored)
        .map((r) =>
          verbose && r.source ? `${r.source.file}:${r.source.line}:${r.source.pattern}\t${q(r.path)}` : q(r.path),
        );
      out.result(lines, results);
      // As git check-ignore: the answer is the exit status — 0 if some path is ignored, 1 if none is.
      if (!results.some((r) => r.ignored)) setExitStatus(EXIT.FAILURE);
    });
}
