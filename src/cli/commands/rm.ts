// `rm`: stage deletions, as `git rm` does (the working file goes too, unless --cached).
import { quoteName } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import { lockWait, openStore, output } from '../context.js';

export function registerRm(program: Command): void {
  program
    .command('rm')
    .description('stage the deletion of tracked files and remove them from the working tree')
    .argument('<paths...>', 'tracked files (directories with -r)')
    .option('-r, --recursive', 'remove the tracked files under a directory')
    .option('--cached', 'only stage the deletion; keep the working files')
    .option('-f, --force', 'delete working files even if they differ from the last commit')
    .option('--wait <seconds>', 'wait this long for another writer to finish (default 5)')
    .action(
      async (
        paths: string[],
        opts: { recursive?: boolean; cached?: boolean; force?: boolean; wait?: string },
        cmd: Command,
      ) => {
        const out = output(cmd);
        const r = await openStore().rm(paths, {
          recursive: opts.recursive,
          cwd: process.cwd(),
          cached: opts.cached,
          force: opts.force,
          lockWaitMs: lockWait(opts.wait),
        });
        out.done(
          r.removed.map((p) => `rm ${quoteName(p)}`),
          r,
        );
      },
    );
}
